package io.otaflow.controlplane.ui;

import io.otaflow.plan.StagePlan;
import io.otaflow.registry.RolloutRobotRecord;
import java.util.List;

/** One robot of a rollout as its page lists it: its stage, outcome so far and why. */
public record RolloutRobotRow(String robotId, String href, String stage, String state, String stateClass,
                              String reason, String updatedAt) {

  static RolloutRobotRow of(RolloutRobotRecord robot, List<StagePlan> stages) {
    int stage = robot.stageIndex();
    return new RolloutRobotRow(robot.robotId(), DashboardPaths.robot(robot.robotId()),
        stage >= 0 && stage < stages.size() ? stages.get(stage).name() : "",
        robot.state().name(), StageBars.cssClass(robot.state()), robot.reason() == null ? "" : robot.reason(),
        String.valueOf(robot.updatedAt()));
  }
}
