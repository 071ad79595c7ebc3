package io.otaflow.plan;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which robots a rollout targets: those carrying every given label, or exactly the listed robot IDs.
 * Both empty means the whole fleet.
 */
public record TargetSelector(Map<String, String> labels, List<String> robotIds) {

  public TargetSelector {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    robotIds = robotIds == null ? List.of() : List.copyOf(robotIds);
  }

  public static TargetSelector wholeFleet() {
    return new TargetSelector(Map.of(), List.of());
  }

  /** For people: {@code robots labelled site=mars, model=mk2}, {@code robots r1, r2} or {@code the whole fleet}. */
  @Override
  public String toString() {
    if (!robotIds.isEmpty()) {
      return "robots " + String.join(", ", robotIds);
    }
    if (!labels.isEmpty()) {
      return "robots labelled " + new TreeMap<>(labels).entrySet().stream()
          .map(label -> label.getKey() + "=" + label.getValue()).collect(Collectors.joining(", "));
    }
    return "the whole fleet";
  }
}
