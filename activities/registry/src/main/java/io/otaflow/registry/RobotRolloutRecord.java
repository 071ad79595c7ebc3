package io.otaflow.registry;

import io.otaflow.domain.RolloutStatus;

/** One rollout a robot took part in: the rollout's release and status, and the robot's place and state in it. */
public record RobotRolloutRecord(String rolloutId, String releaseVersion, RolloutStatus rolloutStatus,
                                 RolloutRobotRecord robot) {
}
