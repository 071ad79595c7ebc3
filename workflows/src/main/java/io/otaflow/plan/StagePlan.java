package io.otaflow.plan;

import java.time.Duration;

/**
 * One stage of a rollout plan.
 *
 * @param name       shown to people and used in reasons ("canary", "10%")
 * @param count      absolute number of robots (used by the canary); null when {@code percent} is set
 * @param percent    cumulative share of the fleet reached at the end of this stage, 1..100; null when {@code count} is set
 * @param bakeTime   how long to watch the stage after its robots finished, before the next stage starts
 * @param minHealthy fraction 0..1 of the stage's robots that must end COMMITTED
 * @param approval   wait for a person to approve before the stage starts
 * @param maxFailures robots of the stage that may end other than COMMITTED before it stops at once; null: only
 *                    {@code minHealthy} decides (the stage stops as soon as that can no longer be met)
 * @param analysis   metric checks that must pass, while the stage bakes, before the next stage starts; null: none
 */
public record StagePlan(String name, Integer count, Integer percent, Duration bakeTime, double minHealthy,
                        boolean approval, Integer maxFailures, StageAnalysis analysis) {

  /** A stage without analysis. */
  public StagePlan(String name, Integer count, Integer percent, Duration bakeTime, double minHealthy,
                   boolean approval, Integer maxFailures) {
    this(name, count, percent, bakeTime, minHealthy, approval, maxFailures, null);
  }

  /** A stage without maxFailures. */
  public StagePlan(String name, Integer count, Integer percent, Duration bakeTime, double minHealthy,
                   boolean approval) {
    this(name, count, percent, bakeTime, minHealthy, approval, null, null);
  }

  public static StagePlan canary(String name, int count, Duration bakeTime, double minHealthy) {
    return new StagePlan(name, count, null, bakeTime, minHealthy, false);
  }

  public static StagePlan percent(String name, int percent, Duration bakeTime, double minHealthy) {
    return new StagePlan(name, null, percent, bakeTime, minHealthy, false);
  }

  /** This stage with {@code analysis}. */
  public StagePlan withAnalysis(StageAnalysis analysis) {
    return new StagePlan(name, count, percent, bakeTime, minHealthy, approval, maxFailures, analysis);
  }
}
