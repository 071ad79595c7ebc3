package io.otaflow.controlplane.api;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.RobotRolloutRecord;
import java.time.Instant;

/** One rollout a robot took part in: the rollout's status, and the robot's own state in it and why. */
public record RobotRolloutView(String rolloutId, String releaseVersion, RolloutStatus rolloutStatus,
                               RobotUpdateState state, String reason, Instant updatedAt) {

  static RobotRolloutView of(RobotRolloutRecord record) {
    return new RobotRolloutView(record.rolloutId(), record.releaseVersion(), record.rolloutStatus(),
        record.robot().state(), record.robot().reason(), record.robot().updatedAt());
  }
}
