package io.otaflow.rollout;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;

/** Everything a rollout needs to run, fixed when it starts. */
public record RolloutRequest(String rolloutId, Release release, RolloutPlan plan, TargetSelector target) {
}
