package io.otaflow.robotside;

/**
 * What {@code <robot-dir>/state.json} records about the robot's slots.
 *
 * @param installedVersion version in the active slot, or null on a robot that never had one
 * @param activeSlot       "a" or "b": the slot {@code current} must point at
 * @param previousVersion  version a rollback would return to, or null when there is nothing to go back to
 * @param previousSlot     slot holding {@code previousVersion}, or null
 * @param committed        whether the active release was declared good (health passed)
 */
public record RobotDiskState(
    String installedVersion, String activeSlot, String previousVersion, String previousSlot, boolean committed) {

  /** A robot straight from the factory: nothing installed, {@code current} on slot a. */
  public static RobotDiskState fresh() {
    return new RobotDiskState(null, "a", null, null, false);
  }
}
