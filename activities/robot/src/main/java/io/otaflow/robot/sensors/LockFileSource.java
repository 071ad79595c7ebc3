package io.otaflow.robot.sensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Mission state from an update-lock file that the robot's own software holds while it works (as balena's
 * {@code updates.lock}): present, a mission is active. Presence is read now, so it is never stale.
 */
public record LockFileSource(Path file) implements SensorSource {

  @Override
  public String name() {
    return "lockFile " + file;
  }

  @Override
  public Map<Quantity, Reading> read() {
    if (Files.exists(file)) {
      return Map.of(Quantity.MISSION_ACTIVE, Reading.of(true));
    }
    if (Files.notExists(file)) {
      return Map.of(Quantity.MISSION_ACTIVE, Reading.of(false));
    }
    return Map.of(Quantity.MISSION_ACTIVE, Reading.unknown(name() + ": cannot tell whether it exists"));
  }
}
