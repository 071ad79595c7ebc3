package io.otaflow.plan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a fleet into stages. Pure and deterministic, so the registry, the workflow and a person predicting
 * "who is in the canary" all get the same answer.
 */
public final class StagePlanner {

  private StagePlanner() {
  }

  /** Robots per stage: a count stage takes that many, a percent stage tops the fleet up to its cumulative share. */
  public static List<Integer> stageSizes(int fleetSize, RolloutPlan plan) {
    List<Integer> sizes = new ArrayList<>();
    int assigned = 0;
    for (StagePlan stage : plan.stages()) {
      int target = stage.count() != null
          ? assigned + stage.count()
          : (int) Math.ceil(fleetSize * (stage.percent() / 100.0));
      int size = Math.max(0, Math.min(fleetSize, target) - assigned);
      sizes.add(size);
      assigned += size;
    }
    return sizes;
  }

  /**
   * The order in which robots enter a rollout: a hash of rollout and robot ID, so each rollout's canary is a
   * different, well-spread sample instead of always the alphabetically first robots.
   */
  public static List<String> rolloutOrder(String rolloutId, List<String> robotIds) {
    // Each robot's hash computed once, not once per comparison: 100,000 robots sort in a fraction of a second.
    List<HashedRobot> hashed = new ArrayList<>(robotIds.size());
    for (String robot : robotIds) {
      hashed.add(new HashedRobot(fnv1a(rolloutId + "/" + robot), robot));
    }
    hashed.sort(Comparator.comparingLong(HashedRobot::hash).thenComparing(HashedRobot::robotId));
    return hashed.stream().map(HashedRobot::robotId).toList();
  }

  private record HashedRobot(long hash, String robotId) {
  }

  /** Assigns each robot (in rollout order) its stage index; robots beyond the last stage are left out. */
  public static List<List<String>> assign(String rolloutId, List<String> robotIds, RolloutPlan plan) {
    List<String> ordered = rolloutOrder(rolloutId, robotIds);
    List<List<String>> stages = new ArrayList<>();
    int from = 0;
    for (int size : stageSizes(ordered.size(), plan)) {
      stages.add(List.copyOf(ordered.subList(from, from + size)));
      from += size;
    }
    return stages;
  }

  private static long fnv1a(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
