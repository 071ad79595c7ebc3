package io.otaflow.robot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.robot.sensors.FileSource;
import io.otaflow.robot.sensors.SensorSource;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.UUID;

/**
 * A full set of readings as {@code <robot-dir>/sensors.json} holds them, in the fields of
 * {@link io.otaflow.robot.sensors.Quantity}: what the simulator writes for each of its robots (and a person may edit
 * to make one hot, flat or slow), read by a robot with no sensor sources configured ({@link #source}).
 */
public record RobotSensors(double batteryPercent, double temperatureC, long latencyMs, boolean serviceUp,
                           boolean missionActive, boolean docked, boolean charging) {

  public static final String FILE = "sensors.json";

  private static final ObjectMapper JSON = WireJson.mapper();

  /** Idle, docked, not charging, 90% battery, 40 C, 20 ms, service up. */
  public static RobotSensors healthy() {
    return new RobotSensors(90, 40, 20, true, false, true, false);
  }

  /**
   * {@code <robotDir>/sensors.json} at any age, as its writer (the simulator, a person) rewrites it only to change a
   * reading; missing or unparseable, every reading is unknown.
   */
  public static SensorSource source(Path robotDir) {
    return new FileSource(robotDir.resolve(FILE), null, Clock.systemUTC());
  }

  /** Replaces sensors.json atomically, so a health check never reads half a file. */
  public void write(Path robotDir) {
    Path file = robotDir.resolve(FILE);
    Path tmp = robotDir.resolve(FILE + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(robotDir);
      Files.write(tmp, JSON.writeValueAsBytes(this));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public RobotSensors withTemperatureC(double value) {
    return new RobotSensors(batteryPercent, value, latencyMs, serviceUp, missionActive, docked, charging);
  }
}
