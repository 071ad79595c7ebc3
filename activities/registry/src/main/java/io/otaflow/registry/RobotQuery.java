package io.otaflow.registry;

import java.util.Map;

/**
 * One page of the fleet: robots carrying every label in {@code labels} (any labels when empty) and running
 * {@code installedVersion} (any version when null), ordered by robot ID after {@code afterRobotId} (null for the first
 * page), at most {@code limit} of them.
 */
public record RobotQuery(Map<String, String> labels, String installedVersion, String afterRobotId, int limit) {

  public RobotQuery {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    RegistryJdbc.requirePositive(limit);
  }
}
