package io.otaflow.registry;

import java.util.Map;
import java.util.stream.Collectors;

/** A rollout was refused because running rollouts hold some of its robots: a robot belongs to one at a time. */
public class RobotsLeasedException extends RegistryConflictException {

  /** @param holders how many of the target's robots each running rollout holds, by rollout ID */
  public RobotsLeasedException(int targetRobots, Map<String, Integer> holders) {
    super(describe(targetRobots, holders));
  }

  private static String describe(int targetRobots, Map<String, Integer> holders) {
    if (holders.isEmpty()) {
      // The other rollout ended between the refusal and this look: trying again will do.
      return "target: its robots were taken by a rollout that has ended since; start again";
    }
    String overlaps = holders.entrySet().stream()
        .map(holder -> holder.getValue() + " in running rollout " + holder.getKey())
        .collect(Collectors.joining(", "));
    return "target: " + holders.values().stream().mapToInt(Integer::intValue).sum() + " of its " + targetRobots
        + " robots belong to another rollout (" + overlaps + "); a robot belongs to one running rollout at a time:"
        + " wait for it to end or abort it";
  }
}
