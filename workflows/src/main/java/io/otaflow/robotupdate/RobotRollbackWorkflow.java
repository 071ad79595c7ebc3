package io.otaflow.robotupdate;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Switches one robot back to its previous release when its rollout rolls back: every robot the rollout updated, while
 * it runs or after it ended. It takes the same path as a robot update's own compensation ({@link RobotRollback}) and
 * reports to the rollout the same way.
 */
@WorkflowInterface
public interface RobotRollbackWorkflow {

  /** @param reason why the rollout rolls back, recorded with the robot's outcome */
  @WorkflowMethod
  RobotUpdateResult rollBack(RobotUpdateRequest request, String reason);

  /** See {@link RobotUpdateWorkflow#ping()}. */
  @SignalMethod
  void ping();
}
