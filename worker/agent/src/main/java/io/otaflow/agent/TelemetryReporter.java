package io.otaflow.agent;

import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.fleet.RobotTelemetryWorkflow;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.sensors.Quantity;
import io.otaflow.robot.sensors.SensorReadings;
import io.otaflow.robot.sensors.SensorSources;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the robot's battery, temperature (as its sensor sources read them, the same readings its safe-state and
 * health checks use) and installed version to the control plane on a fixed interval, as a signal-with-start of the
 * robot's {@link RobotTelemetryWorkflow}. Best effort: a report that cannot be sent is logged and the next one tries
 * again.
 */
public final class TelemetryReporter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TelemetryReporter.class);

  private final String robotId;
  private final RobotDisk disk;
  private final SensorSources sensors;
  private final WorkflowClient client;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "otaflow-telemetry");
    thread.setDaemon(true);
    return thread;
  });

  private TelemetryReporter(String robotId, RobotDisk disk, SensorSources sensors, WorkflowClient client,
                            Clock clock) {
    this.robotId = robotId;
    this.disk = disk;
    this.sensors = sensors;
    this.client = client;
    this.clock = clock;
  }

  /** Reports at once, then every {@code interval}. */
  public static TelemetryReporter start(String robotId, RobotDisk disk, SensorSources sensors, WorkflowClient client,
                                        Duration interval) {
    TelemetryReporter reporter = new TelemetryReporter(robotId, disk, sensors, client, Clock.systemUTC());
    reporter.timer.scheduleAtFixedRate(reporter::reportQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return reporter;
  }

  private void report() {
    SensorReadings readings = sensors.read();
    // A report holds numbers: an unknown reading throws, naming why, and nothing is sent rather than a made-up value.
    RobotTelemetryWorkflow.send(client, new RobotTelemetry(robotId, readings.get(Quantity.BATTERY_PERCENT).number(),
        readings.get(Quantity.TEMPERATURE_C).number(), disk.readState().installedVersion(), clock.millis()));
  }

  private void reportQuietly() {
    try {
      report();
    } catch (RuntimeException e) {
      log.warn("robot {}: telemetry not sent, next try in one interval: {}", robotId, e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
