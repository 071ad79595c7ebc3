package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.TelemetryRepository;
import io.otaflow.registry.UserRole;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POST /api/v1/telemetry: robots report with their own token and nothing else does; a batch's newest sample becomes
 * the robot's latest telemetry at the next flush; bad batches are refused 400 naming the field.
 */
class TelemetryApiTest {

  private static final String TELEMETRY = "/api/v1/telemetry";

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of(
      "otaflow.telemetry.flush-interval", "PT0.1S"));

  @BeforeAll
  static void registerRobots() {
    api.bean(RobotRepository.class).registerRobot("r1", Map.of("site", "lyon"), "1.0.0", null);
    api.bean(RobotRepository.class).registerRobot("r2", Map.of("site", "oslo"), "1.0.0", null);
  }

  @Test
  void aRobotsNewestSampleBecomesItsLatestTelemetry() throws Exception {
    String token = robotToken("r1");
    Instant now = Instant.now();

    Answer accepted = api.withToken(token).post(TELEMETRY, batch("r1",
        sample(now.minusSeconds(60), 81.0, 40.0, "1.0.0", null),
        sample(now, 64.5, 47.5, "1.1.0", "DownloadActivities.download")));

    assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
    assertThat(accepted.body().path("samples").asInt()).isEqualTo(2);
    RobotTelemetry latest = awaitLatest("r1", telemetry -> telemetry.batteryPercent() == 64.5);
    assertThat(latest).isEqualTo(new RobotTelemetry("r1", 64.5, 47.5, "1.1.0", now.toEpochMilli(),
        "DownloadActivities.download", "0.2.0"));
    JsonNode robot = api.as("vera", UserRole.VIEWER).get("/api/v1/robots/r1").body().path("robot");
    assertThat(robot.path("telemetry").path("installedVersion").asText()).isEqualTo("1.1.0");
    assertThat(robot.path("installedVersion").asText())
        .as("the registry's installed version, which rollouts and registration set, not a report's")
        .isEqualTo("1.0.0");
  }

  @Test
  void onlyARobotsOwnTokenReportsAndOnlyForItsRobot() throws Exception {
    String r1 = robotToken("r1");
    String body = batch("r2", sample(Instant.now(), 50.0, 40.0, "1.0.0", null));

    assertThat(api.withToken(null).post(TELEMETRY, body).status()).isEqualTo(401);
    assertThat(api.withToken("otaflow_0123456789abcdef_" + "x".repeat(43)).post(TELEMETRY, body).error())
        .isEqualTo("invalid bearer token: unknown API token");
    Answer otherRobot = api.withToken(r1).post(TELEMETRY, body);
    assertThat(otherRobot.status()).isEqualTo(403);
    assertThat(otherRobot.error()).isEqualTo("user robot:r1 may only report telemetry for robot r1, not r2");
    for (UserRole role : new UserRole[] {UserRole.VIEWER, UserRole.ADMIN}) {
      Answer person = api.as("pat", role).post(TELEMETRY, body);
      assertThat(person.status()).isEqualTo(403);
      assertThat(person.error()).isEqualTo("user pat is not a robot: only a robot's own token (otaflow tokens create"
          + " --robot ID) may POST /api/v1/telemetry");
    }
    Answer robotReads = api.withToken(r1).get("/api/v1/rollouts");
    assertThat(robotReads.status()).isEqualTo(403);
    assertThat(robotReads.error()).isEqualTo("user robot:r1 holds a robot token, which may only POST "
        + "/api/v1/telemetry");
  }

  @Test
  void aRevokedRobotTokenIsRefusedAtOnceDespiteTheVerificationCache() throws Exception {
    Answer issued = api.post("/api/v1/tokens", "{\"robot\": \"r2\"}");
    String token = issued.body().path("token").asText();
    String body = batch("r2", sample(Instant.now(), 50.0, 40.0, "1.0.0", null));
    assertThat(api.withToken(token).post(TELEMETRY, body).status()).isEqualTo(202);
    assertThat(api.withToken(token).post(TELEMETRY, body).status()).as("again, verified from the cache")
        .isEqualTo(202);

    String tokenId = issued.body().path("tokenId").asText();
    assertThat(api.post("/api/v1/tokens/" + tokenId + "/revoke", "{}").status()).isEqualTo(200);

    Answer revoked = api.withToken(token).post(TELEMETRY, body);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.error()).startsWith("invalid bearer token: API token " + tokenId + " was revoked at ");
  }

  @Test
  void aRobotTokenIsForOneRobotAloneAndListedAsSuch() throws Exception {
    Answer both = api.post("/api/v1/tokens", "{\"robot\": \"r1\", \"user\": \"ana\", \"role\": \"viewer\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.error()).isEqualTo("robot: a robot token has no user or role: give robot alone");
    Answer robotRole = api.post("/api/v1/tokens", "{\"user\": \"ana\", \"role\": \"robot\"}");
    assertThat(robotRole.status()).isEqualTo(400);
    assertThat(robotRole.error()).isEqualTo("role robot is a robot's own token: create it for one robot (--robot ID)");

    Answer issued = api.post("/api/v1/tokens", "{\"robot\": \"r1\"}");
    assertThat(issued.status()).isEqualTo(201);
    assertThat(issued.body().path("user").asText()).isEqualTo("robot:r1");
    assertThat(issued.body().path("role").asText()).isEqualTo("robot");
    assertThat(issued.body().path("robot").asText()).isEqualTo("r1");
  }

  @Test
  void badBatchesAreRefusedNamingTheField() throws Exception {
    String token = robotToken("r1");
    Instant now = Instant.now();
    String tooMany = IntStream.range(0, TelemetryBatch.MAX_SAMPLES + 1)
        .mapToObj(i -> sample(now.minusSeconds(i), 50.0, 40.0, "1.0.0", null)).collect(Collectors.joining(", "));
    Map<String, String> refusals = Map.of(
        "{\"robotId\": \"r1\", \"agentVersion\": \"0.2.0\", \"samples\": [" + sample(now, 50.0, 40.0, null, null)
            .replace("}", ", \"humidity\": 3}") + "]}",
        "samples[0].humidity: unknown field",
        batch("r1", sample(now, 120.0, 40.0, null, null)),
        "samples[0].batteryPercent: 120.0 is not a percentage between 0 and 100",
        batch("r1", sample(now, 50.0, 40.0, null, null).replace("40.0", "\"warm\"")),
        "samples[0].temperatureC",
        batch("r1", sample(now.plus(Duration.ofHours(1)), 50.0, 40.0, null, null)),
        "samples[0].sampledAt: ",
        batch("r1"),
        "samples: is required: at least one sample",
        "{\"robotId\": \"r1\", \"agentVersion\": \"0.2.0\", \"samples\": [" + tooMany + "]}",
        "samples: 1501 samples, at most 1500 in one request",
        "{\"samples\": [" + sample(now, 50.0, 40.0, null, null) + "]}",
        "robotId: is required");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      Answer answer = api.withToken(token).post(TELEMETRY, refusal.getKey());
      assertThat(answer.status()).as(refusal.getValue()).isEqualTo(400);
      assertThat(answer.error()).startsWith(refusal.getValue());
    }
  }

  @Test
  void anUnregisteredRobotIsRefused404() throws Exception {
    Answer unknown = api.withToken(robotToken("r404")).post(TELEMETRY,
        batch("r404", sample(Instant.now(), 50.0, 40.0, null, null)));

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown robot r404: its agent registers it when it starts (through"
        + " Temporal), then reports");
  }

  private static String robotToken(String robotId) throws Exception {
    Answer issued = api.post("/api/v1/tokens", "{\"robot\": \"" + robotId + "\"}");
    assertThat(issued.status()).as(issued.body().toString()).isEqualTo(201);
    return issued.body().path("token").asText();
  }

  private static String batch(String robotId, String... samples) {
    return "{\"robotId\": \"" + robotId + "\", \"agentVersion\": \"0.2.0\", \"samples\": [" + String.join(", ", samples)
        + "]}";
  }

  private static String sample(Instant at, double battery, double temperature, String version, String step) {
    return "{\"sampledAt\": \"" + at + "\", \"batteryPercent\": " + battery + ", \"temperatureC\": " + temperature
        + (version == null ? "" : ", \"installedVersion\": \"" + version + "\"")
        + (step == null ? "" : ", \"updateStep\": \"" + step + "\"") + "}";
  }

  private static RobotTelemetry awaitLatest(String robotId, java.util.function.Predicate<RobotTelemetry> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Optional<RobotTelemetry> latest = api.bean(TelemetryRepository.class).latest(robotId);
      if (latest.isPresent() && condition.test(latest.get())) {
        return latest.get();
      }
      assertThat(System.nanoTime()).as("telemetry of %s flushed, now %s", robotId, latest).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
