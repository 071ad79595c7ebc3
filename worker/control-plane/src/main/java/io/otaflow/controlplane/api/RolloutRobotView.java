package io.otaflow.controlplane.api;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.registry.RolloutRobotRecord;
import java.time.Instant;

/**
 * One robot's outcome in one rollout.
 *
 * @param stageIndex index of the robot's stage in the plan; -1 for a robot no stage listed
 * @param stage      that stage's name; null for a robot no stage listed
 * @param reason     why the robot is where it is (failed, rolled back, waiting...), or null
 */
public record RolloutRobotView(String robotId, int stageIndex, String stage, RobotUpdateState state, String reason,
                               Instant updatedAt) {

  static RolloutRobotView of(RolloutRobotRecord robot, RolloutPlan plan) {
    int index = robot.stageIndex();
    String stage = index >= 0 && index < plan.stages().size() ? plan.stages().get(index).name() : null;
    return new RolloutRobotView(robot.robotId(), index, stage, robot.state(), robot.reason(), robot.updatedAt());
  }
}
