package io.otaflow.rollout;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;

/**
 * Everything a rollout needs to run, fixed when it starts.
 *
 * @param rollbackOrder null for the rollout itself; for the workflow that rolls the rollout back after it ended, who
 *                      ordered that and why
 * @param startedBy     the authenticated user who started the rollout (a four-eyes plan refuses their approvals);
 *                      null in rollouts started before it was recorded
 */
public record RolloutRequest(String rolloutId, Release release, RolloutPlan plan, TargetSelector target,
                             OperatorCommand rollbackOrder, String startedBy) {

  public RolloutRequest(String rolloutId, Release release, RolloutPlan plan, TargetSelector target, String startedBy) {
    this(rolloutId, release, plan, target, null, startedBy);
  }

  /** The request of the workflow that rolls this (ended) rollout back. */
  public RolloutRequest withRollbackOrder(OperatorCommand order) {
    return new RolloutRequest(rolloutId, release, plan, target, order, startedBy);
  }
}
