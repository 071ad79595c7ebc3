package io.otaflow.domain;

/** A rollout's life. Stored as its name, never its ordinal. */
public enum RolloutStatus {
  PENDING,
  RUNNING,
  PAUSED,
  WAITING_APPROVAL,
  /** Every stage met its threshold. */
  SUCCEEDED,
  /** A stage missed its threshold or a rollback was ordered: every robot this rollout updated is back. */
  ROLLED_BACK,
  /** Stopped by a person before anything needed undoing, or with rollback declined. */
  ABORTED,
  /** The engine itself could not continue; the reason says why. */
  FAILED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == ROLLED_BACK || this == ABORTED || this == FAILED;
  }
}
