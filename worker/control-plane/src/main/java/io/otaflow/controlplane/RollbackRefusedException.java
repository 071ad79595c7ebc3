package io.otaflow.controlplane;

import io.otaflow.registry.RolloutRecord;

/** A rollback was ordered of a rollout that has not ended, or has nothing left on its release to switch back. */
public class RollbackRefusedException extends IllegalStateException {

  private RollbackRefusedException(String message) {
    super("cannot roll back: " + message);
  }

  static RollbackRefusedException notEnded(RolloutRecord rollout) {
    if (rollout.rollbackOrderedAt() != null) {
      return new RollbackRefusedException("rollout " + rollout.rolloutId() + " is rolling back already");
    }
    return new RollbackRefusedException("rollout " + rollout.rolloutId() + " is " + rollout.status()
        + "; abort it instead (abort rolls back)");
  }

  static RollbackRefusedException nothingLeft(String rolloutId, String releaseVersion, int movedOn) {
    String why = movedOn == 0 ? "its robots were rolled back or never updated"
        : movedOn + " of its robots moved on to another release since, the others were rolled back or never updated";
    return new RollbackRefusedException("rollout " + rolloutId + " has no robot left on release " + releaseVersion
        + " to switch back (" + why + ")");
  }
}
