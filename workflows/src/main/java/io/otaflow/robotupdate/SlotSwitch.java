package io.otaflow.robotupdate;

/**
 * What apply did on the robot's disk, enough for a person (and the rollback) to know where it came from.
 *
 * @param fromSlot        slot active before apply ("a" or "b")
 * @param toSlot          slot now active, holding the new release
 * @param previousVersion version active before apply, or null on a robot that never had one
 */
public record SlotSwitch(String fromSlot, String toSlot, String previousVersion) {
}
