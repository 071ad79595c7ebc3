package io.otaflow.registry;

import io.otaflow.domain.RobotUpdateState;

/** How many robots of one rollout stand in {@code state} for the same {@code reason}. */
public record FailureReason(RobotUpdateState state, String reason, int robots) {
}
