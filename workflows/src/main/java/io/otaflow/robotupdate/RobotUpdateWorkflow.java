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

  /**
   * The kill switch: stop now unless apply has begun (the robot is left untouched and reported PENDING, so that its
   * rollout starts it again once a person resumes); an applied robot goes on through its health gate or rolls back.
   */
  @SignalMethod
  void stopBeforeApply(String reason);

  /**
   * Does nothing. The rollout sends it to robot workflows it has not heard from for a while: a signal to a workflow
   * that ended fails, which tells the rollout the robot workflow ended without reporting (terminated by hand).
   */
  @SignalMethod
  void ping();
}
