package io.otaflow.robot;

import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.HealthActivities;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Health probes read from the robot's sensors.json and from what {@code current} actually holds. */
public class SensorHealthActivities implements HealthActivities {

  private static final Logger log = LoggerFactory.getLogger(SensorHealthActivities.class);

  private final RobotDisk disk;
  private final HealthThresholds thresholds;
  private final MeterRegistry registry;
  private final List<HealthProbe> probes;

  /**
   * @param probes extra probes (TCP latency, systemd units, HTTP endpoints, commands); a TCP latency probe replaces
   *     the latency read from sensors.json
   */
  public SensorHealthActivities(RobotDisk disk, HealthThresholds thresholds, List<HealthProbe> probes,
                                MeterRegistry registry) {
    this.disk = disk;
    this.thresholds = thresholds;
    this.probes = List.copyOf(probes);
    this.registry = registry;
  }

  @Override
  public HealthReport check(Release release) {
    return checkRunning(release.version());
  }

  /** One round of every probe, the service probe expecting {@code version} in {@code current}. */
  public HealthReport checkRunning(String version) {
    RobotSensors sensors = RobotSensors.read(disk.dir());
    List<ProbeResult> results = new ArrayList<>();
    results.add(battery(sensors.batteryPercent()));
    results.add(temperature(sensors.temperatureC()));
    List<ProbeResult> extra = probes.stream().map(HealthProbe::probe).toList();
    if (extra.stream().noneMatch(p -> p.probe().equals("latency"))) {
      results.add(latency(sensors.latencyMs()));
    }
    results.add(service(sensors.serviceUp(), version));
    results.addAll(extra);
    HealthReport report = new HealthReport(results);
    registry.counter("otaflow.robot.health.checks", "outcome", report.healthy() ? "healthy" : "unhealthy")
        .increment();
    if (!report.healthy()) {
      log.warn("robot {}: unhealthy on {}: {}", disk.dir(), version, report.failure().orElse(""));
    }
    return report;
  }

  private ProbeResult battery(double percent) {
    boolean ok = percent >= thresholds.minBatteryPercent();
    return new ProbeResult("battery", ok, String.format(Locale.ROOT, "battery %.0f%% %s %.0f%%",
        percent, ok ? ">=" : "<", thresholds.minBatteryPercent()));
  }

  private ProbeResult temperature(double celsius) {
    boolean ok = celsius <= thresholds.maxTemperatureC();
    return new ProbeResult("temperature", ok, String.format(Locale.ROOT, "temperature %.1fC %s %.1fC",
        celsius, ok ? "<=" : ">", thresholds.maxTemperatureC()));
  }

  private ProbeResult latency(long millis) {
    boolean ok = millis <= thresholds.maxLatencyMs();
    return new ProbeResult("latency", ok,
        "latency " + millis + "ms " + (ok ? "<=" : ">") + " " + thresholds.maxLatencyMs() + "ms");
  }

  /** Asks the disk, not state.json, what is running: a half-done switch shows up here. */
  private ProbeResult service(boolean up, String expected) {
    if (!up) {
      return new ProbeResult("service", false, "service: robot-service is down");
    }
    Path versionFile = disk.current().resolve("VERSION");
    String running;
    try {
      running = Files.readString(versionFile, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return new ProbeResult("service", false, "service: current/VERSION is missing, expected " + expected);
    }
    if (!running.equals(expected)) {
      return new ProbeResult("service", false, "service: current/VERSION is " + running + ", expected " + expected);
    }
    return new ProbeResult("service", true, "service: up, running " + running);
  }
}
