package io.otaflow.registry;

import io.otaflow.domain.RolloutStatus;
import java.time.Instant;

/** A rollout's row: its release and where it stands (stage and reason may be null). */
public record RolloutRecord(String rolloutId, String releaseVersion, RolloutStatus status, String stage,
                            String reason, Instant createdAt, Instant updatedAt) {
}
