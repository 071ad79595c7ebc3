package io.otaflow.controlplane;

import static net.logstash.logback.argument.StructuredArguments.value;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.rollout.RolloutProgress;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Brings the registry in line with Temporal, which is the truth about a rollout: a rollout the registry still has
 * running whose workflow (its rollback's, once one was ordered) has closed gets the workflow's own outcome (or FAILED,
 * when a person terminated or cancelled it outside otaflow, from the Temporal Web UI or CLI), which also gives its
 * robots' leases back; robots the registry left mid-update get their robot workflow's result. While the kill switch is
 * on, it signals every unfinished rollout again: one the control plane crashed before telling is told now. Runs at
 * start and then every minute.
 */
public class RegistryReconciler {

  private static final Logger log = LoggerFactory.getLogger(RegistryReconciler.class);
  private static final int PAGE_SIZE = 100;
  /** A rollout recorded but not (yet) known to Temporal is left alone this long: its start may be under way. */
  private static final Duration START_GRACE = Duration.ofMinutes(5);

  private final RolloutRepository rollouts;
  private final RolloutRobotRepository rolloutRobots;
  private final WorkflowClient client;
  private final KillSwitch killSwitch;
  private final Clock clock;

  public RegistryReconciler(RolloutRepository rollouts, RolloutRobotRepository rolloutRobots, WorkflowClient client,
                            KillSwitch killSwitch, Clock clock) {
    this.rollouts = rollouts;
    this.rolloutRobots = rolloutRobots;
    this.client = client;
    this.killSwitch = killSwitch;
    this.clock = clock;
  }

  @Scheduled(initialDelayString = "${otaflow.reconcile.initial-delay:PT5S}",
      fixedDelayString = "${otaflow.reconcile.interval:PT1M}")
  void scheduled() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      log.warn("registry reconciliation failed, trying again later: {}", e.toString());
    }
  }

  /**
   * The kill switch's signals first (the urgent part), then one pass over every rollout the registry has as not
   * ended; returns how many rollouts it brought in line.
   */
  public int reconcile() {
    killSwitch.signalUnfinishedRollouts();
    int reconciled = 0;
    for (RolloutRecord rollout : rollouts.unfinishedRollouts()) {
      if (reconcile(rollout)) {
        reconciled++;
      }
    }
    return reconciled;
  }

  private boolean reconcile(RolloutRecord rollout) {
    String rolloutId = rollout.rolloutId();
    WorkflowStub workflow = client.newUntypedWorkflowStub(rollout.workflowId());
    WorkflowExecutionStatus status;
    try {
      status = workflow.describe().getStatus();
    } catch (WorkflowNotFoundException notFound) {
      if (rollout.updatedAt().plus(START_GRACE).isAfter(clock.instant())) {
        return false;
      }
      return end(rolloutId, RolloutStatus.FAILED, null,
          "workflow not found in Temporal: its history is gone (a test server restarted?)");
    }
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING, WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> false;
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> {
        RolloutProgress result = workflow.getResult(RolloutProgress.class);
        reconcileRobots(rolloutId);
        String stage = result.stageIndex() >= 0 && result.stageIndex() < result.stages().size()
            ? result.stages().get(result.stageIndex()).name() : null;
        yield end(rolloutId, result.status(), stage, result.reason());
      }
      default -> {
        String closed = "workflow " + status.name().replace("WORKFLOW_EXECUTION_STATUS_", "")
            + " outside otaflow (Temporal Web UI or CLI)";
        stopRobotsInFlight(rolloutId, closed);
        yield end(rolloutId, RolloutStatus.FAILED, rollout.stage(), closed + "; robot workflows still running were"
            + " told to stop, each rolls itself back if it had applied");
      }
    };
  }

  /**
   * Robot workflows outlive their rollout (they are abandoned children): once it was ended by hand, those still
   * updating are told to stop, as an abort would have. Each records its own outcome in the registry as it ends.
   */
  private void stopRobotsInFlight(String rolloutId, String why) {
    forEachRobotMidUpdate(rolloutId, robotId -> {
      try {
        client.newUntypedWorkflowStub(OtaflowNames.robotWorkflowId(rolloutId, robotId))
            .signal("abort", "rollout " + why);
      } catch (WorkflowNotFoundException ended) {
        // It ended meanwhile and recorded its outcome itself.
      }
    });
  }

  private void forEachRobotMidUpdate(String rolloutId, Consumer<String> action) {
    String after = null;
    List<String> page;
    while (!(page = rolloutRobots.robotsInState(rolloutId, RobotUpdateState.IN_PROGRESS, after, PAGE_SIZE)).isEmpty()) {
      for (String robotId : page) {
        action.accept(robotId);
        after = robotId;
      }
    }
  }

  /** Robots the registry left mid-update get the result their own workflow returned. */
  private void reconcileRobots(String rolloutId) {
    forEachRobotMidUpdate(rolloutId, robotId -> robotResult(rolloutId, robotId).ifPresent(result -> {
      rolloutRobots.recordRobotState(rolloutId, robotId, result.outcome(), result.reason(),
          result.installedVersion());
      log.warn("rollout {} robot {}: registry had it mid-update, its workflow ended {}",
          value("rolloutId", rolloutId), value("robotId", robotId), result.outcome());
    }));
  }

  private Optional<RobotUpdateResult> robotResult(String rolloutId, String robotId) {
    WorkflowStub robot = client.newUntypedWorkflowStub(OtaflowNames.robotWorkflowId(rolloutId, robotId));
    try {
      return robot.describe().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
          ? Optional.of(robot.getResult(RobotUpdateResult.class)) : Optional.empty();
    } catch (WorkflowNotFoundException gone) {
      return Optional.empty();
    }
  }

  private boolean end(String rolloutId, RolloutStatus status, String stage, String reason) {
    rollouts.recordRolloutStatus(rolloutId, status, stage, reason);
    log.warn("rollout {}: registry had it running, Temporal has it ended; recorded {}: {}",
        value("rolloutId", rolloutId), status, reason);
    return true;
  }
}
