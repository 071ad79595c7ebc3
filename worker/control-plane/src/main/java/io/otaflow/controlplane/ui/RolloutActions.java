package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.api.ApiProblems;
import io.otaflow.controlplane.api.KillSwitchRequest;
import io.otaflow.controlplane.api.OperatorCommands;
import io.otaflow.controlplane.api.OperatorRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's commands, each from a form with the person's reason (and Spring Security's CSRF token), given
 * through {@link OperatorCommands} as the API gives them: the same role checks, audit rows and refusals. A command
 * taken goes back to its page with a note saying so; a refused one shows its page again, with the refusal's message
 * and HTTP status (403 for a role too low, 409 for a state that does not allow it, 400 for a missing reason).
 */
@ConditionalOnWebApplication
@Controller
class RolloutActions {

  private static final Logger log = LoggerFactory.getLogger(RolloutActions.class);

  private final OperatorCommands operator;
  private final RolloutPages pages;

  RolloutActions(OperatorCommands operator, RolloutPages pages) {
    this.operator = operator;
    this.pages = pages;
  }

  /**
   * @param action        pause, resume, approve, abort or rollback
   * @param leaveUpdated  abort only: leave the robots the rollout updated on the new release
   */
  @PostMapping(DashboardPaths.ROLLOUTS + "/{id}/command")
  String command(@PathVariable String id, @RequestParam(defaultValue = "") String action,
                 @RequestParam(required = false) String reason,
                 @RequestParam(defaultValue = "false") boolean leaveUpdated,
                 Model model, RedirectAttributes redirect, HttpServletResponse response) {
    OperatorRequest request = new OperatorRequest(reason, !leaveUpdated);
    Supplier<?> command = switch (action) {
      case "pause" -> () -> operator.pause(id, request);
      case "resume" -> () -> operator.resume(id, request);
      case "approve" -> () -> operator.approve(id, request);
      case "abort" -> () -> operator.abort(id, request);
      case "rollback" -> () -> operator.rollBack(id, request);
      default -> () -> {
        throw new IllegalArgumentException("unknown command '" + action
            + "': one of pause, resume, approve, abort, rollback");
      };
    };
    String refusal = run(command, response, "rollout " + id + " " + action);
    if (refusal == null) {
      redirect.addFlashAttribute("done", action + ": accepted");
      return "redirect:" + DashboardPaths.rollout(id);
    }
    model.addAttribute("refusal", refusal);
    pages.fill(model, id, null, 0);
    return "ui/rollout";
  }

  /** @param action on or off */
  @PostMapping(DashboardPaths.ROLLOUTS + "/killswitch")
  String killSwitch(@RequestParam(defaultValue = "") String action, @RequestParam(required = false) String reason,
                    Model model, RedirectAttributes redirect, HttpServletResponse response) {
    KillSwitchRequest request = new KillSwitchRequest(reason);
    Supplier<?> command = switch (action) {
      case "on" -> () -> operator.killSwitchOn(request);
      case "off" -> () -> operator.killSwitchOff(request);
      default -> () -> {
        throw new IllegalArgumentException("unknown kill switch command '" + action + "': on or off");
      };
    };
    String refusal = run(command, response, "kill switch " + action);
    if (refusal == null) {
      redirect.addFlashAttribute("done", "kill switch " + action + ": accepted");
      return "redirect:" + DashboardPaths.ROLLOUTS;
    }
    model.addAttribute("refusal", refusal);
    pages.rollouts(null, model);
    return "ui/rollouts";
  }

  /** Runs the command; its refusal's message (the response set to its status), or null when it was taken. */
  private static String run(Supplier<?> command, HttpServletResponse response, String what) {
    try {
      command.get();
      return null;
    } catch (RuntimeException e) {
      ProblemDetail problem = ApiProblems.of(e);
      if (problem.getStatus() >= 500) {
        log.error("dashboard command {} failed", what, e);
      }
      response.setStatus(problem.getStatus());
      return problem.getDetail();
    }
  }
}
