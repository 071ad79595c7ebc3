package io.otaflow.controlplane.api;

import io.otaflow.domain.InvalidFieldException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The body of {@code POST /api/v1/telemetry}: the samples a robot's agent took since its last send, oldest first.
 *
 * @param agentVersion the otaflow agent the robot runs
 */
public record TelemetryBatch(String robotId, String agentVersion, List<Sample> samples) {

  /** More than a day of samples at one a minute: an agent sends far fewer, even after a long time offline. */
  static final int MAX_SAMPLES = 1_500;
  /** Robot clocks drift; a sample from further ahead than this is a clock to fix, not telemetry to keep. */
  static final Duration MAX_CLOCK_AHEAD = Duration.ofMinutes(5);

  /**
   * One reading of the robot's sensors.
   *
   * @param installedVersion the release on the robot's disk, null when none
   * @param updateStep       the update step the agent runs, null when idle
   */
  public record Sample(Instant sampledAt, Double batteryPercent, Double temperatureC, String installedVersion,
                       String updateStep) {

    void validate(Instant now) {
      RequiredFields.require(sampledAt, "sampledAt");
      if (sampledAt.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
        throw new InvalidFieldException("sampledAt", sampledAt + " is more than " + MAX_CLOCK_AHEAD.toMinutes()
            + " minutes ahead of the control plane's clock (" + now + "): check the robot's clock");
      }
      double battery = RequiredFields.require(batteryPercent, "batteryPercent");
      if (battery < 0 || battery > 100) {
        throw new InvalidFieldException("batteryPercent", battery + " is not a percentage between 0 and 100");
      }
      double temperature = RequiredFields.require(temperatureC, "temperatureC");
      if (temperature < -100 || temperature > 300) {
        throw new InvalidFieldException("temperatureC", temperature + " is not a plausible temperature (-100..300 C)");
      }
    }
  }

  /**
   * Checks every field, naming the first that is wrong ({@code samples[2].batteryPercent: ...}).
   *
   * @return the newest sample: telemetry is last-value-wins
   */
  Sample validatedNewest(Instant now) {
    RequiredFields.require(robotId, "robotId");
    if (samples == null || samples.isEmpty()) {
      throw new InvalidFieldException("samples", "is required: at least one sample");
    }
    if (samples.size() > MAX_SAMPLES) {
      throw new InvalidFieldException("samples", samples.size() + " samples, at most " + MAX_SAMPLES
          + " in one request");
    }
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i) == null) {
        throw new InvalidFieldException("samples[" + i + "]", "is empty: a sample is an object");
      }
      try {
        samples.get(i).validate(now);
      } catch (InvalidFieldException e) {
        throw e.within("samples[" + i + "]");
      }
    }
    return samples.stream().max(Comparator.comparing(Sample::sampledAt)).orElseThrow();
  }
}
