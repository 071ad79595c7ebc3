package io.otaflow.controlplane.api;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.domain.InvalidFieldException;

/**
 * The body of {@code POST /api/v1/rollouts}.
 *
 * @param target required, so that a whole-fleet rollout is always asked for: {@code {}} is the whole fleet
 */
public record RolloutStart(String rolloutId, String releaseVersion, RolloutPlan plan, TargetSelector target) {

  void requireFields() {
    RequiredFields.require(rolloutId, "rolloutId");
    RequiredFields.require(releaseVersion, "releaseVersion");
    RequiredFields.require(plan, "plan");
    if (target == null) {
      throw new InvalidFieldException("target", "is required (give {} for the whole fleet)");
    }
  }
}
