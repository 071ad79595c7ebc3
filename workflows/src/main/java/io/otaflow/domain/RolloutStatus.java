package io.otaflow.domain;

/** A rollout's life. Stored as its name, never its ordinal. */
public enum RolloutStatus {
  PENDING,
  RUNNING,
  PAUSED,
  WAITING_APPROVAL,
  /** Every stage met its threshold. */
  SUCCEEDED,
  /**
   * A stage missed its threshold or a rollback was ordered, and every robot this rollout updated is confirmed back on
   * its previous release.
   */
  ROLLED_BACK,
  /** Stopped by a person before anything needed undoing, or with rollback declined. */
  ABORTED,
  /**
   * Some robots could not be rolled back, nothing was applied to any robot, the workflow was ended outside otaflow,
   * or the engine could not continue; the reason says which.
   */
  FAILED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == ROLLED_BACK || this == ABORTED || this == FAILED;
  }
}
