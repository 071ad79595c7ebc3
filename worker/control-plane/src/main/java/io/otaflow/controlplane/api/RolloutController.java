package io.otaflow.controlplane.api;

import io.otaflow.controlplane.RollbackOrder;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.controlplane.UnknownRolloutException;
import io.otaflow.plan.InvalidPlanException;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutEventRecord;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutQuery;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRecord;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRequest;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Rollouts: start, list, read progress, plan, robots and audit trail, the person's commands (Temporal updates,
 * refused when they do not fit), and the rollback of a rollout that has ended.
 */
@ConditionalOnWebApplication
@RestController
@RequestMapping("/api/v1/rollouts")
class RolloutController {

  /** Failure reasons shown with a rollout's progress: enough to see what went wrong, the rest is in its robots. */
  private static final int TOP_FAILURE_REASONS = 5;

  private final RolloutService rollouts;
  private final RolloutRepository registered;
  private final RolloutRobotRepository rolloutRobots;
  private final RolloutEventLog events;
  private final AuditedCommands commands;
  private final OperatorCommands operator;

  RolloutController(RolloutService rollouts, RolloutRepository registered, RolloutRobotRepository rolloutRobots,
                    RolloutEventLog events, AuditedCommands commands, OperatorCommands operator) {
    this.rollouts = rollouts;
    this.registered = registered;
    this.rolloutRobots = rolloutRobots;
    this.events = events;
    this.commands = commands;
    this.operator = operator;
  }

  /**
   * One page of rollouts, newest first: where each stands and why.
   *
   * @param statuses repeated or comma-separated: rollouts in any of these statuses
   * @param release  rollouts of this release
   * @param after    the previous page's {@code next}
   */
  @GetMapping
  Page<RolloutRecord> list(@RequestParam(name = "status", required = false) List<String> statuses,
                           @RequestParam(required = false) String release,
                           @RequestParam(required = false) String after,
                           @RequestParam(required = false) String limit) {
    int pageSize = PageLimit.parse(limit);
    Set<RolloutStatus> wanted = statuses == null ? Set.of()
        : statuses.stream().map(status -> EnumParameter.parse(RolloutStatus.class, "status", "rollout status", status))
            .collect(Collectors.toSet());
    return Page.of(registered.rollouts(new RolloutQuery(wanted, release, after, pageSize + 1)), pageSize,
        rollout -> rollout, RolloutRecord::rolloutId);
  }

  /** What the rollout was started with: its release, plan and target. */
  @GetMapping("/{id}/plan")
  RolloutRequest plan(@PathVariable String id) {
    return registered.rolloutRequest(id).orElseThrow(() -> new UnknownRolloutException(id));
  }

  /**
   * One page of the rollout's robots, ordered by robot ID: each one's stage, state and reason. {@code state} (repeated,
   * or comma-separated) keeps robots in those states; {@code after} is the previous page's {@code next}.
   */
  @GetMapping("/{id}/robots")
  RolloutRobotsPage robots(@PathVariable String id,
                           @RequestParam(name = "state", required = false) List<String> states,
                           @RequestParam(required = false) String after,
                           @RequestParam(required = false) String limit) {
    RobotPageQuery query = RobotPageQuery.parse(states, after, limit);
    RolloutPlan plan = registered.rolloutRequest(id).orElseThrow(() -> new UnknownRolloutException(id)).plan();
    // One robot more than asked for tells whether another page follows.
    List<RolloutRobotRecord> robots = rolloutRobots.robots(id, query.states(), query.after(), query.limit() + 1);
    List<RolloutRobotView> page = robots.stream().limit(query.limit()).map(robot -> RolloutRobotView.of(robot, plan))
        .toList();
    String next = robots.size() > query.limit() ? page.get(page.size() - 1).robotId() : null;
    return new RolloutRobotsPage(id, page, next);
  }

  /**
   * One page of the rollout's timeline, oldest first: every status it took and every robot state it recorded.
   *
   * @param after the previous page's {@code next}
   */
  @GetMapping("/{id}/events")
  Page<RolloutEventRecord> events(@PathVariable String id, @RequestParam(required = false) Long after,
                                  @RequestParam(required = false) String limit) {
    int pageSize = PageLimit.parse(limit);
    if (registered.rollout(id).isEmpty()) {
      throw new UnknownRolloutException(id);
    }
    return Page.of(events.events(id, after == null ? 0 : after, pageSize + 1), pageSize, event -> event,
        event -> String.valueOf(event.id()));
  }

  /** 201 with the rollout as started; its progress is at the Location. */
  @PostMapping
  ResponseEntity<RolloutStart> start(@RequestBody RolloutStart start) {
    RolloutRequest request = commands.run(Command.ROLLOUT_START, start.rolloutId(), null, user -> {
      start.requireFields();
      try {
        return rollouts.startRollout(start.rolloutId(), start.releaseVersion(), start.plan(), start.target(), user);
      } catch (InvalidPlanException e) {
        throw e.within("plan");
      }
    });
    return ResponseEntity.created(URI.create("/api/v1/rollouts/" + request.rolloutId())).body(start);
  }

  @GetMapping("/{id}")
  RolloutProgressView progress(@PathVariable String id) {
    return new RolloutProgressView(rollouts.progress(id), rolloutRobots.failureReasons(id, TOP_FAILURE_REASONS));
  }

  @PostMapping("/{id}/pause")
  RolloutProgress pause(@PathVariable String id, @RequestBody OperatorRequest command) {
    return operator.pause(id, command);
  }

  @PostMapping("/{id}/resume")
  RolloutProgress resume(@PathVariable String id, @RequestBody OperatorRequest command) {
    return operator.resume(id, command);
  }

  @PostMapping("/{id}/approve")
  RolloutProgress approve(@PathVariable String id, @RequestBody OperatorRequest command) {
    return operator.approve(id, command);
  }

  @PostMapping("/{id}/abort")
  RolloutProgress abort(@PathVariable String id, @RequestBody OperatorRequest command) {
    return operator.abort(id, command);
  }

  /** 202 once the rollback of the ended rollout has started; its progress is at the Location. */
  @PostMapping("/{id}/rollback")
  ResponseEntity<RollbackOrder> rollback(@PathVariable String id, @RequestBody OperatorRequest command) {
    return ResponseEntity.accepted().location(URI.create("/api/v1/rollouts/" + id))
        .body(operator.rollBack(id, command));
  }
}
