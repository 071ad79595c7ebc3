package io.otaflow.robotupdate;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One robot's update as a saga: download, verify, apply to the inactive slot, health gate, commit. A failure or a
 * cancellation after apply switches the robot back to its previous slot before the workflow ends.
 */
@WorkflowInterface
public interface RobotUpdateWorkflow {

  @WorkflowMethod
  RobotUpdateResult update(RobotUpdateRequest request);

  /**
   * The parent stops this robot's update: the current step is cancelled, an applied release is switched back, and
   * the workflow still returns its result (a signal rather than workflow cancellation, so the parent gets one).
   */
  @SignalMethod
  void abort(String reason);
}
