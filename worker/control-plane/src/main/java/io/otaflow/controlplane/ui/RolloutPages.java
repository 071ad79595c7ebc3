package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.KillSwitch;
import io.otaflow.controlplane.UnknownRolloutException;
import io.otaflow.controlplane.api.AuditedCommands;
import io.otaflow.controlplane.api.Command;
import io.otaflow.controlplane.api.EnumParameter;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutQuery;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRecord;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.rollout.RolloutRequest;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The rollouts page (running and recent rollouts, a bar per stage, the kill switch) and a page per rollout: its plan,
 * stages, robots (failed ones first, paged, filtered by state), timeline, a link to its workflow in the Temporal Web
 * UI, and the commands the person's role allows.
 */
@ConditionalOnWebApplication
@Controller
class RolloutPages {

  private static final int ROLLOUTS_PAGE = 20;
  static final int ROBOTS_PAGE = 100;
  private static final int TIMELINE = 50;

  private final RolloutRepository rollouts;
  private final RolloutRobotRepository rolloutRobots;
  private final RolloutEventLog events;
  private final RolloutSummaries summaries;
  private final KillSwitch killSwitch;
  private final AuditedCommands commands;
  private final String temporalWebUrl;
  private final String namespace;

  RolloutPages(RolloutRepository rollouts, RolloutRobotRepository rolloutRobots, RolloutEventLog events,
               RolloutSummaries summaries, KillSwitch killSwitch, AuditedCommands commands,
               @Value("${otaflow.ui.temporal-web-url:http://localhost:8233}") String temporalWebUrl,
               @Value("${spring.temporal.namespace:default}") String namespace) {
    this.rollouts = rollouts;
    this.rolloutRobots = rolloutRobots;
    this.events = events;
    this.summaries = summaries;
    this.killSwitch = killSwitch;
    this.commands = commands;
    this.temporalWebUrl = temporalWebUrl.replaceAll("/+$", "");
    this.namespace = namespace;
  }

  @GetMapping(DashboardPaths.ROLLOUTS)
  String rollouts(@RequestParam(required = false) String after, Model model) {
    // Read first: a change made while the page's data is read reaches the page live.
    model.addAttribute("since", events.latestEventId());
    List<RolloutRecord> page = rollouts.rollouts(new RolloutQuery(Set.of(), null, StringUtils.hasText(after) ? after : null,
        ROLLOUTS_PAGE + 1));
    model.addAttribute("rollouts", summaries.of(page.stream().limit(ROLLOUTS_PAGE).toList()));
    model.addAttribute("next", page.size() > ROLLOUTS_PAGE ? page.get(ROLLOUTS_PAGE - 1).rolloutId() : null);
    model.addAttribute("killSwitch", killSwitch.state());
    model.addAttribute("canKill", commands.allows(Command.KILL_SWITCH_ON));
    return "ui/rollouts";
  }

  @GetMapping(DashboardPaths.ROLLOUTS + "/{id}")
  String rollout(@PathVariable String id, @RequestParam(required = false) String state,
                 @RequestParam(defaultValue = "0") int page, Model model) {
    fill(model, id, state, page);
    return "ui/rollout";
  }

  /** The robots table and timeline alone: what the page fetches again when its rollout changes. */
  @GetMapping(DashboardPaths.ROLLOUTS + "/{id}/robots")
  String robots(@PathVariable String id, @RequestParam(required = false) String state,
                @RequestParam(defaultValue = "0") int page, Model model) {
    fillLive(model, request(id), state, page);
    return "ui/rollout :: live";
  }

  /** Everything the rollout page shows. */
  void fill(Model model, String id, String state, int page) {
    model.addAttribute("since", events.latestEventId());
    RolloutRecord rollout = rollouts.rollout(id).orElseThrow(() -> new UnknownRolloutException(id));
    RolloutRequest request = request(id);
    model.addAttribute("summary", summaries.of(rollout, request.plan().stages()));
    model.addAttribute("request", request);
    model.addAttribute("plan", PlanView.of(request));
    model.addAttribute("states", RobotUpdateState.values());
    model.addAttribute("temporalUrl", temporalWebUrl + "/namespaces/" + DashboardPaths.segment(namespace)
        + "/workflows/" + DashboardPaths.segment(rollout.workflowId()));
    model.addAttribute("canSteer", commands.allows(Command.ROLLOUT_APPROVE));
    fillLive(model, request, state, page);
  }

  /** The part of the page its script fetches again: a page of robots (failed ones first) and the timeline. */
  private void fillLive(Model model, RolloutRequest request, String state, int page) {
    String id = request.rolloutId();
    List<RobotUpdateState> states = StringUtils.hasText(state)
        ? List.of(EnumParameter.parse(RobotUpdateState.class, "state", "robot state", state)) : List.of();
    int shownPage = Math.max(0, page);
    List<RolloutRobotRecord> robots = rolloutRobots.robotsFailedFirst(id, states,
        shownPage * ROBOTS_PAGE, ROBOTS_PAGE + 1);
    model.addAttribute("rolloutId", id);
    model.addAttribute("robots", robots.stream().limit(ROBOTS_PAGE)
        .map(robot -> RolloutRobotRow.of(robot, request.plan().stages())).toList());
    model.addAttribute("state", states.isEmpty() ? "" : states.get(0).name());
    model.addAttribute("page", shownPage);
    model.addAttribute("hasNext", robots.size() > ROBOTS_PAGE);
    model.addAttribute("timeline", events.newestEvents(id, TIMELINE));
  }

  private RolloutRequest request(String id) {
    return rollouts.rolloutRequest(id).orElseThrow(() -> new UnknownRolloutException(id));
  }
}
