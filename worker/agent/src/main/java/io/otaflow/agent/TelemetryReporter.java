package io.otaflow.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.sensors.Quantity;
import io.otaflow.robot.sensors.SensorReadings;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the robot's battery, temperature (as its sensor sources read them, the same readings its safe-state and
 * health checks use), installed version and update step every {@code sampleInterval}, and posts the samples taken
 * since the last send to the control plane's {@code /api/v1/telemetry} every {@code sendInterval} with the robot's own
 * token: one HTTP request, no Temporal action. A new installed version is sent at once. While the control plane cannot
 * be reached the samples wait, the oldest dropped beyond {@link #MAX_BUFFERED}; each failed send is one warning line.
 */
public final class TelemetryReporter implements AutoCloseable {

  /** A day of samples at one a minute: the control plane takes up to 1,500 in one request. */
  static final int MAX_BUFFERED = 1_440;
  private static final Logger log = LoggerFactory.getLogger(TelemetryReporter.class);
  private static final ObjectMapper JSON = WireJson.mapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** One sample, as the control plane reads it. */
  record Sample(Instant sampledAt, double batteryPercent, double temperatureC, String installedVersion,
                String updateStep) {
  }

  private final String robotId;
  private final String agentVersion;
  private final RobotDisk disk;
  private final SensorSources sensors;
  private final Supplier<String> updateStep;
  private final URI endpoint;
  private final String token;
  private final HttpClient http;
  private final Clock clock;
  private final Deque<Sample> buffered = new ArrayDeque<>();
  private long dropped;
  private String lastVersion;
  private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

  /**
   * @param updateStep   the update step running now, null when none
   * @param controlPlane the control plane's base URL (its path is replaced by the endpoint's)
   * @param token        the robot's own token
   */
  public TelemetryReporter(String robotId, String agentVersion, RobotDisk disk, SensorSources sensors,
                           Supplier<String> updateStep, URI controlPlane, String token, HttpClient http,
                           Clock clock) {
    this.robotId = Objects.requireNonNull(robotId);
    this.agentVersion = Objects.requireNonNull(agentVersion);
    this.disk = disk;
    this.sensors = sensors;
    this.updateStep = updateStep;
    this.endpoint = controlPlane.resolve("/api/v1/telemetry");
    this.token = Objects.requireNonNull(token);
    this.http = http;
    this.clock = clock;
  }

  /**
   * Samples at once and every {@code sampleInterval}, on {@code timer} (the agent's own thread, or one a simulated fleet
   * shares); sends the first sample at once, then every send interval. {@link #close} stops both.
   */
  public synchronized TelemetryReporter start(ScheduledExecutorService timer, Duration sampleInterval,
                                              Duration sendInterval) {
    schedules.add(timer.scheduleAtFixedRate(this::sampleQuietly, 0, sampleInterval.toMillis(),
        TimeUnit.MILLISECONDS));
    schedules.add(timer.scheduleAtFixedRate(this::send, sendInterval.toMillis(), sendInterval.toMillis(),
        TimeUnit.MILLISECONDS));
    return this;
  }

  /** Takes one sample; the first, and one with a new installed version, are sent at once. */
  synchronized void sampleQuietly() {
    Sample sample;
    try {
      SensorReadings readings = sensors.read();
      // A sample holds numbers: an unknown reading throws, naming why, and no sample is taken rather than a made-up
      // value.
      sample = new Sample(clock.instant(), readings.get(Quantity.BATTERY_PERCENT).number(),
          readings.get(Quantity.TEMPERATURE_C).number(), disk.readState().installedVersion(), updateStep.get());
    } catch (RuntimeException e) {
      log.warn("robot {}: no telemetry sample this time: {}", robotId, e.getMessage());
      return;
    }
    boolean first = lastVersion == null;
    boolean newVersion = lastVersion != null && !Objects.equals(lastVersion, sample.installedVersion());
    lastVersion = sample.installedVersion() == null ? "" : sample.installedVersion();
    buffer(sample);
    if (first || newVersion) {
      send();
    }
  }

  private void buffer(Sample sample) {
    if (buffered.size() == MAX_BUFFERED) {
      buffered.removeFirst();
      dropped++;
    }
    buffered.addLast(sample);
  }

  /** Posts what is buffered; kept for the next send when the control plane does not take it. */
  synchronized void send() {
    if (buffered.isEmpty()) {
      return;
    }
    List<Sample> batch = List.copyOf(buffered);
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(
              Map.of("robotId", robotId, "agentVersion", agentVersion, "samples", batch))))
          .build(), HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status / 100 == 2 || status == 400) {
        // 400: the control plane will never take these samples; keeping them would block every later one.
        batch.forEach(sent -> buffered.removeFirst());
      }
      if (status / 100 != 2) {
        log.warn("robot {}: telemetry refused by {} ({}{}): {}", robotId, endpoint, status,
            status == 400 ? ", samples dropped" : ", kept for the next send", oneLine(response.body()));
      } else if (dropped > 0) {
        log.warn("robot {}: {} telemetry sample(s) dropped while the control plane was unreachable", robotId,
            dropped);
        dropped = 0;
      }
    } catch (IOException e) {
      log.warn("robot {}: telemetry not sent to {}, {} sample(s) kept for the next send: {}", robotId, endpoint,
          buffered.size(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The samples waiting to be sent, oldest first. */
  synchronized List<Sample> buffered() {
    return List.copyOf(buffered);
  }

  private static String oneLine(String body) {
    String line = body.replaceAll("\\s+", " ").strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }

  @Override
  public synchronized void close() {
    schedules.forEach(schedule -> schedule.cancel(false));
  }
}
