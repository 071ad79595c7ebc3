package io.otaflow.cli.chaos;

/**
 * A place in the scenario where one kill can land.
 *
 * @param rollout              the rollout
 * @param phase                index of the scenario phase the rollout runs in
 * @param stage                index of the robot's stage (of the baking stage for {@link Kind#BAKE})
 * @param robot                the robot whose update, rollback or agent it is
 * @param kind                 which part of the rollout
 * @param besideAnotherRollout the rollout runs at the same time as another one
 */
record Slot(String rollout, int phase, int stage, String robot, Kind kind, boolean besideAnotherRollout) {

  enum Kind {
    /** A robot's update before apply: download, verify, safe-state wait. */
    BEFORE_APPLY,
    /** A healthy robot's update from apply on: apply, health gate, commit. */
    FROM_APPLY,
    /** A robot that runs hot on the release, from apply on: apply, then its own rollback. */
    HOT_FROM_APPLY,
    /** A committed robot that the rollout switches back once a later stage failed. */
    ROLLED_BACK_BY_ROLLOUT,
    /** The bake of the robot's stage: an agent kill takes this robot's agent. */
    BAKE
  }

  /** The same robot's update (both its halves) in the same rollout. */
  boolean sameUpdate(Slot other) {
    return rollout.equals(other.rollout) && robot.equals(other.robot) && kind != Kind.BAKE
        && kind != Kind.ROLLED_BACK_BY_ROLLOUT && other.kind != Kind.BAKE
        && other.kind != Kind.ROLLED_BACK_BY_ROLLOUT;
  }

  boolean sameBake(Slot other) {
    return kind == Kind.BAKE && other.kind == Kind.BAKE && rollout.equals(other.rollout) && stage == other.stage;
  }
}
