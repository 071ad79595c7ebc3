package io.otaflow.domain;

/** Where one robot stands in one rollout. Stored as its name, never its ordinal. */
public enum RobotUpdateState {
  PENDING,
  DOWNLOADING,
  VERIFIED,
  WAITING_SAFE_STATE,
  APPLIED,
  HEALTH_CHECKING,
  COMMITTED,
  /** Ended before apply: nothing changed on the robot. */
  FAILED,
  /** Ended after apply: the previous slot is active again. */
  ROLLED_BACK,
  /** The robot's worker did not pick up work in time. */
  OFFLINE,
  /** Never reached a safe state before the deadline. */
  DEFERRED
}
