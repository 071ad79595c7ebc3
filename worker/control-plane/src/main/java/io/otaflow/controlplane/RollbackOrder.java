package io.otaflow.controlplane;

/**
 * The rollback of an ended rollout, as ordered: its workflow has started.
 *
 * @param robots  robots it switches back, and holds until it ends
 * @param movedOn robots the rollout updated that run another release since: left where they are
 * @param reason  the rollout's reason while it rolls back
 */
public record RollbackOrder(String rolloutId, String releaseVersion, int robots, int movedOn, String reason) {
}
