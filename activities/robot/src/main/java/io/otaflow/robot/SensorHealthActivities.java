package io.otaflow.robot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.sensors.Quantity;
import io.otaflow.robot.sensors.Reading;
import io.otaflow.robot.sensors.SensorReadings;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.robotupdate.HealthActivities;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health probes read from the robot's sensor sources and from what {@code current} actually holds. A reading a probe
 * needs that is unknown (missing, stale, unparseable) fails the probe, naming the source and why.
 */
public class SensorHealthActivities implements HealthActivities {

  private static final Logger log = LoggerFactory.getLogger(SensorHealthActivities.class);

  private final RobotDisk disk;
  private final SensorSources sensors;
  private final HealthThresholds thresholds;
  private final MeterRegistry registry;
  private final List<HealthProbe> probes;
  private final RunningVersion running;
  /** The last reading of each numeric sensor the health gate checks, NaN while unknown: the robot's own gauges. */
  private final Map<Quantity, AtomicLong> lastValues = new EnumMap<>(Quantity.class);

  /**
   * @param probes extra probes (TCP latency, systemd units, HTTP endpoints, commands); a TCP latency probe replaces
   *     the latency read from the sensor sources
   */
  public SensorHealthActivities(RobotDisk disk, SensorSources sensors, HealthThresholds thresholds,
                                List<HealthProbe> probes, MeterRegistry registry) {
    this(disk, sensors, thresholds, probes, RunningVersion.ofSlots(disk), registry);
  }

  /** @param running what the service probe asks: the slots, or the container app's tag */
  public SensorHealthActivities(RobotDisk disk, SensorSources sensors, HealthThresholds thresholds,
                                List<HealthProbe> probes, RunningVersion running, MeterRegistry registry) {
    this.disk = disk;
    this.running = running;
    this.sensors = sensors;
    this.thresholds = thresholds;
    this.probes = List.copyOf(probes);
    this.registry = registry;
    for (Quantity quantity : List.of(Quantity.BATTERY_PERCENT, Quantity.TEMPERATURE_C, Quantity.LATENCY_MS)) {
      AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
      lastValues.put(quantity, bits);
      Gauge.builder("otaflow.agent.probe.value", bits, value -> Double.longBitsToDouble(value.get()))
          .tag("probe", quantity.field()).description("The sensor's value at the last health check (NaN: unknown)")
          .register(registry);
    }
  }

  @Override
  public HealthReport check(Release release) {
    return checkRunning(release.version());
  }

  /** One round of every probe, the service probe expecting {@code version} to run. */
  public HealthReport checkRunning(String version) {
    SensorReadings readings = sensors.read();
    lastValues.forEach((quantity, bits) -> {
      Reading reading = readings.get(quantity);
      bits.set(Double.doubleToLongBits(reading.known() ? reading.number() : Double.NaN));
    });
    List<ProbeResult> results = new ArrayList<>();
    results.add(battery(readings.get(Quantity.BATTERY_PERCENT)));
    results.add(temperature(readings.get(Quantity.TEMPERATURE_C)));
    List<ProbeResult> extra = probes.stream().map(HealthProbe::probe).toList();
    if (extra.stream().noneMatch(p -> p.probe().equals("latency"))) {
      results.add(latency(readings.get(Quantity.LATENCY_MS)));
    }
    results.add(service(readings.get(Quantity.SERVICE_UP), version));
    results.addAll(extra);
    HealthReport report = new HealthReport(results);
    registry.counter("otaflow.agent.health.checks", "outcome", report.healthy() ? "healthy" : "unhealthy")
        .increment();
    if (!report.healthy()) {
      log.warn("robot {}: unhealthy on {}: {}", disk.dir(), version, report.failure().orElse(""));
    }
    return report;
  }

  private ProbeResult battery(Reading reading) {
    if (!reading.known()) {
      return new ProbeResult("battery", false, reading.whyUnknown());
    }
    double percent = reading.number();
    boolean ok = percent >= thresholds.minBatteryPercent();
    return new ProbeResult("battery", ok, String.format(Locale.ROOT, "battery %.0f%% %s %.0f%%",
        percent, ok ? ">=" : "<", thresholds.minBatteryPercent()));
  }

  private ProbeResult temperature(Reading reading) {
    if (!reading.known()) {
      return new ProbeResult("temperature", false, reading.whyUnknown());
    }
    double celsius = reading.number();
    boolean ok = celsius <= thresholds.maxTemperatureC();
    return new ProbeResult("temperature", ok, String.format(Locale.ROOT, "temperature %.1fC %s %.1fC",
        celsius, ok ? "<=" : ">", thresholds.maxTemperatureC()));
  }

  private ProbeResult latency(Reading reading) {
    if (!reading.known()) {
      return new ProbeResult("latency", false, reading.whyUnknown());
    }
    double millis = reading.number();
    boolean ok = millis <= thresholds.maxLatencyMs();
    return new ProbeResult("latency", ok, String.format(Locale.ROOT, "latency %.0fms %s %dms",
        millis, ok ? "<=" : ">", thresholds.maxLatencyMs()));
  }

  /** Asks the robot, not state.json, what is running: a half-done switch shows up here. */
  private ProbeResult service(Reading up, String expected) {
    if (!up.known()) {
      return new ProbeResult("service", false, up.whyUnknown());
    }
    if (!up.flag()) {
      return new ProbeResult("service", false, "service: robot-service is down");
    }
    return running.differsFrom(expected).map(why -> new ProbeResult("service", false, why))
        .orElseGet(() -> new ProbeResult("service", true, "service: up, running " + expected));
  }
}
