package io.otaflow.robotupdate;

import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.WorkflowMetrics;
import io.otaflow.domain.WorkflowMetrics.RollbackCause;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * The one way a robot is switched back to its previous release, in workflow code: by a robot update's compensation
 * and by its rollout's rollback. The robot confirms a rollback only once its previous release runs, its hooks ran and
 * its probes passed; anything else (no previous release, unreachable, a failing hook, unhealthy after switching back)
 * ends ROLLBACK_FAILED with the cause, never ROLLED_BACK. It runs even while the calling workflow is being cancelled.
 */
final class RobotRollback {

  private static final Logger log = Workflow.getLogger(RobotRollback.class);

  private final RobotUpdateRequest request;
  private final RobotWebUi webUi;
  private final RobotStateActivities registry =
      Workflow.newLocalActivityStub(RobotStateActivities.class, RegistryOptions.LOCAL);
  /** The rollout's open run when the outcome was recorded, or null (see {@link RolloutReport#recordOutcome}). */
  private String openRun;

  RobotRollback(RobotUpdateRequest request, RobotWebUi webUi) {
    this.request = request;
    this.webUi = webUi;
  }

  /**
   * @param reason        why the robot is switched back, recorded with its outcome
   * @param restoredState the outcome once the robot confirmed it is back
   * @param cause         why, for the metrics
   */
  RobotUpdateResult switchBack(String reason, RobotUpdateState restoredState, RollbackCause cause) {
    WorkflowMetrics.robotRollbackStarted(cause);
    String[] installed = new String[1];
    String[] failure = new String[1];
    Workflow.newDetachedCancellationScope(() -> {
      SlotActivities slots = Workflow.newActivityStub(SlotActivities.class,
          webUi.step(RobotActivityOptions.rollback(request.robotId(), request.robotTimeout()), "roll back %s on %s"));
      try {
        installed[0] = slots.rollback(request.release());
      } catch (TemporalFailure rollbackFailure) {
        failure[0] = StepFailures.describe(rollbackFailure, request.robotTimeout(), null);
      }
    }).run();
    if (failure[0] != null) {
      return finish(RobotUpdateState.ROLLBACK_FAILED,
          reason + "; " + (failure[0].startsWith("rollback:") ? failure[0] : "rollback: " + failure[0]), null);
    }
    return finish(restoredState, reason, installed[0]);
  }

  /** Records the final state even when the workflow is being cancelled, and returns it. */
  RobotUpdateResult finish(RobotUpdateState state, String reason, String installedVersion) {
    RobotUpdateResult outcome = new RobotUpdateResult(request.robotId(), state, reason, installedVersion);
    Workflow.newDetachedCancellationScope(() -> {
      openRun = RolloutReport.recordOutcome(registry, request, outcome);
      webUi.show(state);
    }).run();
    if (state == RobotUpdateState.COMMITTED) {
      log.info("robot {} committed {} in rollout {}", request.robotId(), installedVersion, request.rolloutId());
    } else {
      log.warn("robot {} ended {} in rollout {}: {}", request.robotId(), state, request.rolloutId(), reason);
    }
    return outcome;
  }

  /** Reports the robot's outcome to its rollout; see {@link RolloutReport#send}. */
  void report(RobotUpdateResult outcome) {
    RolloutReport.send(outcome, openRun);
  }

  /** In the registry, and for the Temporal Web UI. */
  void record(RobotUpdateState state, String reason, String installedVersion) {
    registry.recordRobotState(request.rolloutId(), request.robotId(), state, reason, installedVersion);
    webUi.show(state);
  }
}
