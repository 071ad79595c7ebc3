package io.otaflow.registry;

import io.otaflow.domain.InvalidFieldException;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * A label filter as people type it, {@code name=value} each (null: none).
   *
   * @throws InvalidFieldException (field {@code label}) naming one that is not name=value
   */
  public static Map<String, String> labelFilter(List<String> labels) {
    Map<String, String> filter = new LinkedHashMap<>();
    for (String label : labels == null ? List.<String>of() : labels) {
      int equals = label.indexOf('=');
      if (equals < 1) {
        throw new InvalidFieldException("label", "'" + label + "' is not name=value");
      }
      filter.put(label.substring(0, equals).strip(), label.substring(equals + 1).strip());
    }
    return filter;
  }
}
