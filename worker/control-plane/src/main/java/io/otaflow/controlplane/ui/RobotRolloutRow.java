package io.otaflow.controlplane.ui;

import io.otaflow.registry.RobotRolloutRecord;

/** One of a robot's latest rollouts: the rollout's status, the robot's outcome in it and why. */
public record RobotRolloutRow(String rolloutId, String href, String releaseVersion, String rolloutStatus,
                              String state, String stateClass, String reason, String updatedAt) {

  static RobotRolloutRow of(RobotRolloutRecord record) {
    return new RobotRolloutRow(record.rolloutId(), DashboardPaths.rollout(record.rolloutId()),
        record.releaseVersion(), record.rolloutStatus().name(), record.robot().state().name(),
        StageBars.cssClass(record.robot().state()), record.robot().reason(), String.valueOf(record.robot().updatedAt()));
  }
}
