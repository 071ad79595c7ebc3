package io.otaflow.registry;

import io.otaflow.domain.RobotUpdateState;
import java.time.Instant;

/** One robot's place and state in one rollout; stageIndex is -1 for a robot no stage assignment listed. */
public record RolloutRobotRecord(String robotId, int stageIndex, RobotUpdateState state, String reason,
                                 Instant updatedAt) {
}
