package io.otaflow.plan;

import java.util.List;
import java.util.Map;

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
}
