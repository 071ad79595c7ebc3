package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.sensors.FileSource;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of telemetry against a stand-in control plane (a JDK HTTP server, the system's edge): samples are
 * batched, sent with the robot's token, kept while the control plane is away (the oldest dropped beyond the bound),
 * and a new installed version goes out at once. Samples and sends are driven by the test, not by timers.
 */
class TelemetryReporterTest {

  private static final ObjectMapper JSON = WireJson.mapper();
  private static final String TOKEN = "otaflow_0123456789abcdef_" + "s".repeat(43);

  @TempDir
  Path robotDir;

  private HttpServer controlPlane;
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(202);
  private final AtomicReference<String> step = new AtomicReference<>();
  private TelemetryReporter reporter;

  @BeforeEach
  void start() throws IOException {
    controlPlane = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    controlPlane.createContext("/api/v1/telemetry", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] answer = "{\"detail\": \"refused by the test\"}".getBytes(StandardCharsets.UTF_8);
      if (status.get() == 202) {
        received.add(JSON.readTree(exchange.getRequestBody()));
        answer = "{\"samples\": 1}".getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status.get(), answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    controlPlane.start();
    sensors(80.0, 41.0);
    installed("1.0.0");
    reporter = new TelemetryReporter("r1", "0.2.0", new RobotDisk(robotDir),
        new SensorSources(List.of(new FileSource(robotDir.resolve("sensors.json"), null, Clock.systemUTC())), null),
        step::get, URI.create("http://127.0.0.1:" + controlPlane.getAddress().getPort()), TOKEN,
        HttpClient.newHttpClient(), Clock.fixed(Instant.parse("2030-01-01T12:00:00Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    reporter.close();
    controlPlane.stop(0);
  }

  @Test
  void theFirstSampleGoesAtOnceThenSamplesAreBatchedUntilTheSend() throws IOException {
    reporter.sampleQuietly();
    assertThat(received).hasSize(1);
    step.set("DownloadActivities.download");
    sensors(79.0, 42.5);
    reporter.sampleQuietly();
    reporter.sampleQuietly();
    assertThat(received).as("batched until the send interval").hasSize(1);

    reporter.send();

    assertThat(received).hasSize(2);
    JsonNode batch = received.get(1);
    assertThat(batch.path("robotId").asText()).isEqualTo("r1");
    assertThat(batch.path("agentVersion").asText()).isEqualTo("0.2.0");
    assertThat(batch.path("samples")).hasSize(2);
    JsonNode sample = batch.path("samples").get(1);
    assertThat(sample.path("batteryPercent").asDouble()).isEqualTo(79.0);
    assertThat(sample.path("temperatureC").asDouble()).isEqualTo(42.5);
    assertThat(sample.path("installedVersion").asText()).isEqualTo("1.0.0");
    assertThat(sample.path("updateStep").asText()).isEqualTo("DownloadActivities.download");
    assertThat(sample.path("sampledAt").asText()).isEqualTo("2030-01-01T12:00:00Z");
    assertThat(authorizations).containsOnly("Bearer " + TOKEN);
    assertThat(reporter.buffered()).isEmpty();
  }

  @Test
  void aNewInstalledVersionIsSentAtOnce() throws IOException {
    reporter.sampleQuietly();
    reporter.sampleQuietly();
    assertThat(received).hasSize(1);

    installed("1.1.0");
    reporter.sampleQuietly();

    assertThat(received).hasSize(2);
    assertThat(received.get(1).path("samples")).hasSize(2);
    assertThat(received.get(1).path("samples").get(1).path("installedVersion").asText()).isEqualTo("1.1.0");
  }

  @Test
  void samplesWaitWhileTheControlPlaneIsAwayTheOldestDroppedBeyondTheBound() throws IOException {
    status.set(503);
    for (int i = 0; i < TelemetryReporter.MAX_BUFFERED + 5; i++) {
      sensors(i % 100, 40.0);
      reporter.sampleQuietly();
    }
    reporter.send();
    assertThat(received).isEmpty();
    assertThat(reporter.buffered()).hasSize(TelemetryReporter.MAX_BUFFERED);
    assertThat(reporter.buffered().get(0).batteryPercent()).as("the five oldest dropped").isEqualTo(5.0);

    status.set(202);
    reporter.send();

    assertThat(received).hasSize(1);
    assertThat(received.get(0).path("samples")).hasSize(TelemetryReporter.MAX_BUFFERED);
    assertThat(reporter.buffered()).isEmpty();
  }

  @Test
  void anUnreachableControlPlaneKeepsTheSamples() throws IOException {
    controlPlane.stop(0);

    reporter.sampleQuietly();
    reporter.send();

    assertThat(reporter.buffered()).hasSize(1);
  }

  @Test
  void aBatchRefusedAsBadIsDroppedNotResentForever() throws IOException {
    status.set(400);
    reporter.sampleQuietly();

    assertThat(reporter.buffered()).isEmpty();
  }

  @Test
  void anUnknownReadingTakesNoSample() throws IOException {
    Files.writeString(robotDir.resolve("sensors.json"), "{\"temperatureC\": 40.0}");

    reporter.sampleQuietly();

    assertThat(reporter.buffered()).isEmpty();
    assertThat(received).isEmpty();
  }

  private void sensors(double battery, double temperature) throws IOException {
    Files.writeString(robotDir.resolve("sensors.json"),
        "{\"batteryPercent\": " + battery + ", \"temperatureC\": " + temperature + "}");
  }

  private void installed(String version) {
    new RobotDisk(robotDir).writeState(new RobotDiskState(version, "a", null, null, true, 1, 0, null, null));
  }
}
