package io.otaflow.robotupdate;

import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * A robot workflow's report to the rollout that started it. Robot workflows are abandoned by their rollout (it may
 * continue as new, or be terminated by hand, while they run), so the result goes by signal to the rollout's workflow
 * ID, which reaches its current run; the report is delivered before the robot workflow ends.
 */
final class RolloutReport {

  private static final Logger log = Workflow.getLogger(RolloutReport.class);

  private RolloutReport() {
  }

  static void send(RobotUpdateResult result) {
    Workflow.getInfo().getParentWorkflowId().ifPresent(rollout -> {
      try {
        // By name: the rollout's interface lives above this package (RolloutWorkflow#robotFinished).
        Workflow.newUntypedExternalWorkflowStub(rollout).signal("robotFinished", result);
      } catch (TemporalFailure gone) {
        // The rollout ended meanwhile (terminated by hand): the registry has the robot's outcome all the same.
        log.warn("robot {} could not report {} to {}: {}", result.robotId(), result.outcome(), rollout,
            gone.getMessage());
      }
    });
  }
}
