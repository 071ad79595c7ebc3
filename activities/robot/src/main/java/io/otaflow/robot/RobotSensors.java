package io.otaflow.robot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The robot's own readings, kept in {@code <robot-dir>/sensors.json} so a simulator (or a person) can make a
 * robot hot, flat or slow by editing one file. {@code missionActive}, {@code docked} and {@code charging} feed the
 * safe-state gate; files written before they existed read as idle and docked.
 */
public record RobotSensors(double batteryPercent, double temperatureC, long latencyMs, boolean serviceUp,
                           boolean missionActive, boolean docked, boolean charging) {

  /** Idle, docked, not charging. */
  public RobotSensors(double batteryPercent, double temperatureC, long latencyMs, boolean serviceUp) {
    this(batteryPercent, temperatureC, latencyMs, serviceUp, false, true, false);
  }

  /** Reads old and new files alike: a missing field takes the value of {@link #healthy()}. */
  @JsonCreator
  static RobotSensors fromJson(@JsonProperty("batteryPercent") Double batteryPercent,
                               @JsonProperty("temperatureC") Double temperatureC,
                               @JsonProperty("latencyMs") Long latencyMs,
                               @JsonProperty("serviceUp") Boolean serviceUp,
                               @JsonProperty("missionActive") Boolean missionActive,
                               @JsonProperty("docked") Boolean docked,
                               @JsonProperty("charging") Boolean charging) {
    RobotSensors d = healthy();
    return new RobotSensors(
        batteryPercent == null ? d.batteryPercent : batteryPercent,
        temperatureC == null ? d.temperatureC : temperatureC,
        latencyMs == null ? d.latencyMs : latencyMs,
        serviceUp == null ? d.serviceUp : serviceUp,
        missionActive == null ? d.missionActive : missionActive,
        docked == null ? d.docked : docked,
        charging == null ? d.charging : charging);
  }

  public static final String FILE = "sensors.json";

  private static final ObjectMapper JSON = WireJson.mapper();

  /** What a robot reads when nobody wrote sensors.json: healthy. */
  public static RobotSensors healthy() {
    return new RobotSensors(90, 40, 20, true);
  }

  public static RobotSensors read(Path robotDir) {
    Path file = robotDir.resolve(FILE);
    if (!Files.exists(file)) {
      return healthy();
    }
    try {
      return JSON.readValue(file.toFile(), RobotSensors.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
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
