package io.otaflow.controlplane.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.otaflow.registry.FailureReason;
import io.otaflow.rollout.RolloutProgress;
import java.util.List;

/**
 * A rollout as {@code GET /api/rollouts/{id}} shows it: the workflow's progress (its fields at the top level) and the
 * registry's most common reasons why its robots are not COMMITTED, most robots first.
 */
public record RolloutProgressView(@JsonUnwrapped RolloutProgress progress, List<FailureReason> failureReasons) {
}
