package io.otaflow.robot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** sensors.json as a simulator or a person writes it: a healthy robot's readings with some changed. */
final class SensorsFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SensorsFile() {
  }

  /** @param changes the readings that differ from {@link RobotSensors#healthy()}, as a JSON object */
  static void write(Path robotDir, String changes) {
    try {
      ObjectNode readings = JSON.valueToTree(RobotSensors.healthy());
      readings.setAll((ObjectNode) JSON.readTree(changes));
      Files.createDirectories(robotDir);
      Files.writeString(robotDir.resolve(RobotSensors.FILE), readings.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
