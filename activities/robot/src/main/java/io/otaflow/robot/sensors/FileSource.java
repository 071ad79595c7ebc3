package io.otaflow.robot.sensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A JSON file of readings that something on the robot (or the simulator) keeps up to date. Its age is its
 * {@code timestamp} field's, else its modification time's.
 *
 * @param maxAge older readings are unknown; null: no limit
 */
public record FileSource(Path file, Duration maxAge, Clock clock) implements SensorSource {

  @Override
  public String name() {
    return "file " + file;
  }

  @Override
  public Map<Quantity, Reading> read() {
    Instant modified;
    String text;
    try {
      modified = Files.getLastModifiedTime(file).toInstant();
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return JsonReadings.failed(name() + ": missing");
    } catch (IOException e) {
      return JsonReadings.failed(name() + ": cannot read (" + e + ")");
    }
    return JsonReadings.parse(name(), text, modified, maxAge, clock.instant());
  }
}
