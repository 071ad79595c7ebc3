package io.otaflow.devstack.bench;

import io.otaflow.robotupdate.RobotUpdateRequest;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.robotupdate.RobotUpdateWorkflow;

/**
 * An instant stand-in for a robot's update, registered under the robot update workflow's type: no robot, no task
 * queue of its own, just the registry writes and the report a real update makes ({@link InstantRobot}). Robots of
 * {@code failingStage} fail before apply, so that stage misses its threshold and the rollout rolls back.
 */
public class InstantRobotUpdateWorkflowImpl implements RobotUpdateWorkflow {

  /** No stage fails. */
  public static final int NO_FAILING_STAGE = -1;

  private final int failingStage;

  public InstantRobotUpdateWorkflowImpl(int failingStage) {
    this.failingStage = failingStage;
  }

  @Override
  public RobotUpdateResult update(RobotUpdateRequest request) {
    boolean fails = request.stage() == failingStage;
    return InstantRobot.run(request, fails ? InstantRobot.FAILED_UPDATE : InstantRobot.UPDATE, null,
        request.release().version());
  }

  /** Finishes in one workflow task: a stop arrives after the outcome, as for a robot that committed before it. */
  @Override
  public void abort(String reason) {
  }

  /** As {@link #abort}. */
  @Override
  public void stopBeforeApply(String reason) {
  }

  @Override
  public void ping() {
  }
}
