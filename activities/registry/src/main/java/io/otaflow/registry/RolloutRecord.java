package io.otaflow.registry;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import java.time.Instant;

/**
 * A rollout's row: its release and where it stands (stage and reason may be null).
 *
 * @param rollbackOrderedAt when a person ordered its rollback after it had ended; null when nobody did
 */
public record RolloutRecord(String rolloutId, String releaseVersion, RolloutStatus status, String stage,
                            String reason, Instant createdAt, Instant updatedAt, Instant rollbackOrderedAt) {

  /** The workflow that runs the rollout now, or ran it last: its rollback once one was ordered, else its own. */
  public String workflowId() {
    return rollbackOrderedAt == null ? OtaflowNames.rolloutWorkflowId(rolloutId)
        : OtaflowNames.rolloutRollbackWorkflowId(rolloutId);
  }
}
