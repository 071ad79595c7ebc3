package io.otaflow.registry;

import io.otaflow.domain.RolloutStatus;
import java.util.Set;

/**
 * One page of rollouts, newest first: those in any of {@code statuses} (any status when empty) of
 * {@code releaseVersion} (any release when null), created before the rollout {@code afterRolloutId} (null for the
 * first page: the previous page's last rollout), at most {@code limit} of them.
 */
public record RolloutQuery(Set<RolloutStatus> statuses, String releaseVersion, String afterRolloutId, int limit) {

  public RolloutQuery {
    statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
    RegistryJdbc.requirePositive(limit);
  }
}
