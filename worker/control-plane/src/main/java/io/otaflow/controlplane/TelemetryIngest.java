package io.otaflow.controlplane;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.TelemetryRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The robots' telemetry on its way to the registry: each accepted report replaces its robot's pending one
 * (last value wins, by the robot's sample time), and every {@code otaflow.telemetry.flush-interval} the pending reports
 * are written in one transaction ({@link TelemetryRepository#recordAll}), so the database sees one write a second
 * whatever the request rate. A flush that fails keeps its reports for the next one, unless newer ones came meanwhile.
 * What is pending when the control plane is killed is lost: the robot's next report brings it back.
 */
public class TelemetryIngest implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TelemetryIngest.class);

  private final TelemetryRepository telemetry;
  private final Map<String, RobotTelemetry> pending = new ConcurrentHashMap<>();
  private final Counter received;
  private final Timer flushes;

  public TelemetryIngest(TelemetryRepository telemetry, MeterRegistry meters) {
    this.telemetry = telemetry;
    this.received = Counter.builder("otaflow.telemetry.reports")
        .description("Telemetry reports (batches) accepted from robots").register(meters);
    this.flushes = Timer.builder("otaflow.telemetry.flush")
        .description("Writes of the pending telemetry to the registry, one transaction each").register(meters);
  }

  /** Keeps the report unless the robot's pending one is newer. */
  public void accept(RobotTelemetry report) {
    received.increment();
    keepNewest(report);
  }

  private void keepNewest(RobotTelemetry report) {
    pending.merge(report.robotId(), report,
        (older, newer) -> newer.sentAtEpochMillis() >= older.sentAtEpochMillis() ? newer : older);
  }

  /** Writes what is pending; one line when the registry refuses, the reports wait for the next flush. */
  @Scheduled(fixedDelayString = "${otaflow.telemetry.flush-interval:PT1S}")
  public synchronized void flush() {
    List<RobotTelemetry> batch = new ArrayList<>(pending.size());
    for (String robotId : pending.keySet()) {
      RobotTelemetry report = pending.remove(robotId);
      if (report != null) {
        batch.add(report);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      Set<String> unknown = flushes.record(() -> telemetry.recordAll(batch));
      if (!unknown.isEmpty()) {
        log.info("telemetry of {} robot(s) no longer registered dropped: {}", unknown.size(), unknown);
      }
    } catch (RuntimeException e) {
      batch.forEach(this::keepNewest);
      log.warn("telemetry of {} robot(s) not written, next try in one flush interval: {}", batch.size(),
          e.toString());
    }
  }

  /** Writes what is still pending, so that a clean stop loses nothing. */
  @Override
  public void close() {
    flush();
  }
}
