package io.otaflow.devstack.bench;

import io.otaflow.robotupdate.RobotRollbackWorkflow;
import io.otaflow.robotupdate.RobotUpdateRequest;
import io.otaflow.robotupdate.RobotUpdateResult;

/**
 * An instant stand-in for the rollout's rollback of one robot, registered under the robot rollback workflow's type:
 * the registry write and the report of a confirmed rollback ({@link InstantRobot}), back to {@code previousVersion}.
 */
public class InstantRobotRollbackWorkflowImpl implements RobotRollbackWorkflow {

  private final String previousVersion;

  public InstantRobotRollbackWorkflowImpl(String previousVersion) {
    this.previousVersion = previousVersion;
  }

  @Override
  public RobotUpdateResult rollBack(RobotUpdateRequest request, String reason) {
    return InstantRobot.run(request, InstantRobot.ROLLBACK, reason, previousVersion);
  }

  @Override
  public void ping() {
  }
}
