package io.otaflow.rollout;

import io.otaflow.robotupdate.RobotUpdateResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One rollout of one release over a fleet: stages in order, one {@link io.otaflow.robotupdate.RobotUpdateWorkflow} child
 * per robot, bake times, thresholds, approvals, and rollback of every robot it updated when a stage falls short or a
 * person aborts. Commands arrive as Updates whose validators reject what does not fit the current status.
 */
@WorkflowInterface
public interface RolloutWorkflow {

  /**
   * @param checkpoint null when a person starts the rollout; the carried-over state when the workflow continues as
   *                   new to keep its history short
   */
  @WorkflowMethod
  RolloutProgress run(RolloutRequest request, RolloutState checkpoint);

  @QueryMethod
  RolloutProgress progress();

  /** Stop starting robots; robots already updating finish. */
  @UpdateMethod
  RolloutProgress pause(OperatorCommand command);

  @UpdateValidatorMethod(updateName = "pause")
  void validatePause(OperatorCommand command);

  @UpdateMethod
  RolloutProgress resume(OperatorCommand command);

  @UpdateValidatorMethod(updateName = "resume")
  void validateResume(OperatorCommand command);

  /** Let the stage that waits for approval start. */
  @UpdateMethod
  RolloutProgress approve(OperatorCommand command);

  @UpdateValidatorMethod(updateName = "approve")
  void validateApprove(OperatorCommand command);

  /** Cancel robots in flight, start no more, and (unless declined) roll back every robot already updated. */
  @UpdateMethod
  RolloutProgress abort(AbortCommand command);

  @UpdateValidatorMethod(updateName = "abort")
  void validateAbort(AbortCommand command);

  /**
   * A robot workflow of this rollout reports how it ended. Robot workflows outlive a run of the rollout (they are
   * abandoned when it continues as new), so they report by signal to whichever run is current rather than as a
   * child's result.
   */
  @SignalMethod
  void robotFinished(RobotUpdateResult result);

  /**
   * The fleet-wide kill switch is on: start no robot, tell robots that have not applied to stop (applied ones finish
   * their health gate or roll back) and pause until a person resumes. A signal, not an update: it is stored even while
   * no control-plane worker runs, and the control plane sends it again after a restart (a repeat changes nothing).
   */
  @SignalMethod
  void killSwitch(OperatorCommand command);
}
