package io.otaflow.domain;

import java.util.List;

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
  /** Ended after apply: the previous release is back in place, its hooks ran and one round of probes passed. */
  ROLLED_BACK,
  /**
   * Ended after apply, and the robot could not be brought back (no previous release, unreachable, a failing hook,
   * unhealthy after switching back): the reason says which. Never counted as rolled back.
   */
  ROLLBACK_FAILED,
  /** The robot's worker did not pick up work in time. */
  OFFLINE,
  /** Never reached a safe state before the deadline. */
  DEFERRED;

  /**
   * The states a robot passes through during its update, before it ends. Every other state is one an update workflow
   * ends with (PENDING also before it begins: a robot held by the kill switch before apply ends PENDING again).
   */
  public static final List<RobotUpdateState> IN_PROGRESS = List.of(DOWNLOADING, VERIFIED, WAITING_SAFE_STATE,
      APPLIED, HEALTH_CHECKING);

  /** The states an update that ran ends in: COMMITTED, then those it ended other than COMMITTED. */
  public static final List<RobotUpdateState> OUTCOMES = List.of(COMMITTED, ROLLED_BACK, ROLLBACK_FAILED, FAILED,
      OFFLINE, DEFERRED);
}
