package io.otaflow.robot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** sensors.json as a simulator or a person writes it: only the readings that differ from a healthy robot. */
final class SensorsFile {

  private SensorsFile() {
  }

  static void write(Path robotDir, String json) {
    try {
      Files.writeString(robotDir.resolve(RobotSensors.FILE), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
