package io.otaflow.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a release reaches the fleet: ordered stages plus plan-wide limits.
 *
 * @param stages       in order; the first may be a canary given by count, the rest by cumulative percent
 * @param maxParallel  most robots updating at the same time (bounded well below Temporal's 2,000 pending children)
 * @param robotTimeout how long a robot may take to pick up each step before it is reported OFFLINE
 * @param healthChecks how many times the health gate probes a robot over the soak window (at least 1)
 * @param healthSoak   the soak window the health checks are spread over
 */
public record RolloutPlan(List<StagePlan> stages, int maxParallel, Duration robotTimeout, int healthChecks,
                          Duration healthSoak) {

  public RolloutPlan {
    // Not List.copyOf: a null stage must reach PlanValidator, which names it, instead of failing here unnamed.
    stages = stages == null ? null : Collections.unmodifiableList(new ArrayList<>(stages));
  }
}
