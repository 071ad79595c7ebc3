package io.otaflow.controlplane.api;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;

/**
 * The body of {@code POST /api/rollouts}.
 *
 * @param target required, so that a whole-fleet rollout is always asked for: {@code {}} is the whole fleet
 */
public record RolloutStart(String rolloutId, String releaseVersion, RolloutPlan plan, TargetSelector target) {

  void requireFields() {
    RequiredFields.require(rolloutId, "rolloutId");
    RequiredFields.require(releaseVersion, "releaseVersion");
    RequiredFields.require(plan, "plan");
    RequiredFields.require(target, "target (give {} for the whole fleet)");
  }
}
