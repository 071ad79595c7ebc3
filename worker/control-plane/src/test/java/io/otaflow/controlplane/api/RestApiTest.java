package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.RegistryReconciler;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.controlplane.TemporalTestServer;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.registry.TelemetryRepository;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import io.otaflow.wire.WireJson;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The REST API against the real control plane on Temporal's test server, over HTTP on a free port. The control plane
 * has a signing key; robots r1 (site=lyon) and r2 (site=oslo) are registered but run no agent, so rollouts wait for
 * them (robotTimeout) long enough to be steered.
 */
class RestApiTest {

  private static final String SHA = "c".repeat(64);
  /** Durations in every form plan files may use: short (2m), a number of seconds, ISO-8601. */
  private static final String PLAN = """
      {"stages": [{"name": "all", "percent": 100, "bakeTime": 0, "minHealthy": 1.0}],
       "maxParallel": 5, "robotTimeout": "2m", "healthChecks": 1, "healthSoak": "PT0S"}""";
  private static final AtomicInteger VERSIONS = new AtomicInteger();

  @TempDir
  static Path dataDir;

  static TemporalTestServer temporal;
  static ConfigurableApplicationContext controlPlane;
  static String baseUrl;
  static KeyPair signingKey;
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startControlPlane() throws Exception {
    signingKey = ManifestSigner.generate();
    Path keyFile = Files.createDirectories(dataDir.resolve("keys")).resolve("server.key");
    ManifestSigner.writePrivateKey(keyFile, signingKey.getPrivate());
    ManifestSigner.writePublicKey(ManifestSigner.publicKeyFile(keyFile), signingKey.getPublic());
    temporal = TemporalTestServer.start();
    controlPlane = ControlPlaneApplication.start(Map.of(
        "spring.temporal.connection.target", temporal.target(),
        "otaflow.temporal.test-server", "true",
        "otaflow.data-dir", dataDir.resolve("control").toString(),
        "otaflow.signing.key-file", keyFile.toString(),
        "server.port", "0",
        // The tests run the reconciler themselves.
        "otaflow.reconcile.initial-delay", "PT1H"));
    baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
    RobotRepository robots = controlPlane.getBean(RobotRepository.class);
    robots.registerRobot("r1", Map.of("site", "lyon"), "1.0.0", null);
    robots.registerRobot("r2", Map.of("site", "oslo"), "1.0.0", null);
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (temporal != null) {
      temporal.close();
    }
  }

  // ---- releases ----

  @Test
  void releaseWithoutManifestIsSignedWithIncreasingReleaseNumbers() throws Exception {
    String first = newVersion();
    Answer created = post("/api/releases", release(first, 4096, null, "\"labels\": {\"model\": \"mk2\"}"));
    assertThat(created.status).as(created.body.toString()).isEqualTo(201);
    assertThat(created.location).isEqualTo("/api/releases/" + first);
    long number = created.body.get("releaseNumber").asLong();
    assertThat(created.body.get("keyId").asText()).isEqualTo(ManifestSigner.keyId(signingKey.getPublic()));
    SignedManifest signed = SignedManifest.fromJson(created.body.get("signedManifest").toString());
    assertThat(signed.manifest().targetLabels()).isEqualTo(Map.of("model", "mk2"));
    assertThat(signed.manifest().sizeBytes()).isEqualTo(4096);
    assertThat(signed.manifest().expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(29)),
        Instant.now().plus(Duration.ofDays(30)));

    Answer second = post("/api/releases", release(newVersion(), 4096, null, null));
    assertThat(second.body.get("releaseNumber").asLong()).isGreaterThan(number);

    Answer fetched = get("/api/releases/" + first);
    assertThat(fetched.status).isEqualTo(200);
    assertThat(fetched.body.get("releaseNumber").asLong()).isEqualTo(number);
    assertThat(get("/api/releases").body.findValuesAsText("version")).contains(first);
  }

  @Test
  void registeringTheSameReleaseAgainIsANoOpButAChangedOneIsAConflict() throws Exception {
    String version = newVersion();
    assertThat(post("/api/releases", release(version, 4096, null, null)).status).isEqualTo(201);

    Answer again = post("/api/releases", release(version, 4096, null, null));
    assertThat(again.status).isEqualTo(200);

    Answer changed = post("/api/releases", release(version, 8192, null, null));
    assertThat(changed.status).isEqualTo(409);
    assertThat(changed.error()).isEqualTo("release " + version + " is already registered with a different artifact");
  }

  @Test
  void givenManifestIsKeptAndTheNextServerSignedReleaseNumbersAfterIt() throws Exception {
    String version = newVersion();
    Answer created = post("/api/releases", release(version, 4096, manifest(version, SHA, 4096, 1_000), null));
    assertThat(created.status).as(created.body.toString()).isEqualTo(201);
    assertThat(created.body.get("releaseNumber").asLong()).isEqualTo(1_000);

    Answer next = post("/api/releases", release(newVersion(), 4096, null, null));
    assertThat(next.body.get("releaseNumber").asLong()).isEqualTo(1_001);
  }

  @Test
  void manifestForAnotherArtifactIsRefusedNamingTheField() throws Exception {
    String version = newVersion();
    Answer size = post("/api/releases", release(version, 4096, manifest(version, SHA, 4097, 7), null));
    assertThat(size.status).isEqualTo(400);
    assertThat(size.error()).isEqualTo("signedManifest.sizeBytes: the manifest says 4097 but the release says 4096;"
        + " a manifest must be for this very artifact");

    Answer sha = post("/api/releases", release(version, 4096, manifest(version, "d".repeat(64), 4096, 7), null));
    assertThat(sha.error()).startsWith("signedManifest.artifactSha256: the manifest says ddd");

    Answer other = post("/api/releases", release(version, 4096, manifest("9.9.9", SHA, 4096, 7), null));
    assertThat(other.error()).startsWith("signedManifest.version: the manifest says 9.9.9 but the release says "
        + version);

    Answer garbage = post("/api/releases", release(version, 4096, "{\"manifest\": {}}", null));
    assertThat(garbage.status).isEqualTo(400);
    assertThat(garbage.error()).isEqualTo("manifest: expiresAt must be a string");
    assertThat(get("/api/releases/" + version).status).isEqualTo(404);
  }

  @Test
  void missingFieldsAndBadJsonAreRefused() throws Exception {
    Answer missing = post("/api/releases", "{\"version\": \"1.2.3\", \"artifactUrl\": \"http://x/a.tgz\","
        + " \"sizeBytes\": 10}");
    assertThat(missing.status).isEqualTo(400);
    assertThat(missing.error()).isEqualTo("sha256 is required");

    Answer badJson = post("/api/releases", "{\"version\": ");
    assertThat(badJson.status).isEqualTo(400);
    assertThat(badJson.error()).startsWith("request body is not valid JSON");

    Answer wrongType = post("/api/releases", "{\"version\": \"1.2.3\", \"sizeBytes\": \"big\"}");
    assertThat(wrongType.status).isEqualTo(400);
    assertThat(wrongType.error()).startsWith("sizeBytes: 'big' is not a Long");

    Answer invalid = post("/api/releases", release("2.0", 10, null, null));
    assertThat(invalid.error()).isEqualTo("release.version: '2.0' is not a semantic version (like 1.2.3)");
  }

  @Test
  void unknownReleaseIsNotFound() throws Exception {
    Answer answer = get("/api/releases/7.7.7");
    assertThat(answer.status).isEqualTo(404);
    assertThat(answer.error()).startsWith("release 7.7.7 is not registered");
  }

  // ---- rollouts ----

  /** deploy/examples/plan.yaml, as `otaflow rollout start --plan` sends it: YAML read into JSON. */
  @Test
  void theExamplePlanIsAccepted() throws Exception {
    JsonNode examplePlan = new ObjectMapper(new YAMLFactory())
        .readTree(Path.of("..", "..", "deploy", "examples", "plan.yaml").toFile());
    Answer started = post("/api/rollouts", rollout("example-plan", registeredRelease(), examplePlan.toString(), "{}"));

    assertThat(started.status).as(started.body.toString()).isEqualTo(201);
    RolloutPlan plan = WireJson.mapper().treeToValue(get("/api/rollouts/example-plan/plan").body, RolloutRequest.class)
        .plan();
    assertThat(plan.stages()).extracting(StagePlan::bakeTime)
        .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO);
    assertThat(plan.robotTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(plan.safeStateDeadline()).isEqualTo(Duration.ofHours(1));
    abortAndWait("example-plan");
  }

  @Test
  void rolloutIsStartedSteeredAndReadOverHttp() throws Exception {
    String version = registeredRelease();
    Answer started = post("/api/rollouts", rollout("steer-1", version, PLAN, "{\"labels\": {\"site\": \"lyon\"}}"));
    assertThat(started.status).as(started.body.toString()).isEqualTo(201);
    assertThat(started.location).isEqualTo("/api/rollouts/steer-1");
    awaitStatus("steer-1", "RUNNING");

    Answer resume = post("/api/rollouts/steer-1/resume", command("ana", "try"));
    assertThat(resume.status).isEqualTo(409);
    assertThat(resume.error()).isEqualTo("cannot resume: rollout is RUNNING, not PAUSED");
    assertThat(post("/api/rollouts/steer-1/approve", command("ana", "ok")).error())
        .isEqualTo("cannot approve: rollout is RUNNING, not WAITING_APPROVAL");

    Answer paused = post("/api/rollouts/steer-1/pause", command("ana", "lunch"));
    assertThat(paused.status).isEqualTo(200);
    assertThat(paused.body.get("status").asText()).isEqualTo("PAUSED");
    assertThat(paused.body.get("reason").asText()).isEqualTo("paused by ana: lunch");
    assertThat(post("/api/rollouts/steer-1/pause", command("ana", "again")).error())
        .isEqualTo("cannot pause: rollout is PAUSED, not RUNNING");
    assertThat(post("/api/rollouts/steer-1/resume", command("ana", "back")).body.get("status").asText())
        .isEqualTo("RUNNING");

    Answer aborted = post("/api/rollouts/steer-1/abort", "{\"operator\": \"ana\", \"reason\": \"enough\","
        + " \"rollback\": false}");
    assertThat(aborted.status).isEqualTo(200);
    controlPlane.getBean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId("steer-1"))
        .getResult(1, TimeUnit.MINUTES, RolloutProgress.class);
    Answer ended = get("/api/rollouts/steer-1");
    assertThat(ended.status).isEqualTo(200);
    assertThat(ended.body.get("status").asText()).isEqualTo("ABORTED");
    assertThat(ended.body.get("releaseVersion").asText()).isEqualTo(version);
    Answer late = post("/api/rollouts/steer-1/abort", command("ana", "twice"));
    assertThat(late.status).isEqualTo(409);
    assertThat(late.error()).isEqualTo("cannot abort: rollout already ended ABORTED");

    JsonNode listed = get("/api/rollouts").body;
    assertThat(listed.findValuesAsText("rolloutId")).contains("steer-1");
    JsonNode events = get("/api/rollouts/steer-1/events").body;
    List<String> statuses = new ArrayList<>();
    events.forEach(event -> {
      if (event.get("kind").asText().equals("ROLLOUT_STATUS")) {
        statuses.add(event.get("status").asText());
      }
    });
    assertThat(statuses).containsSubsequence("PENDING", "RUNNING", "PAUSED", "RUNNING", "ABORTED");
    assertThat(events.findValuesAsText("reason")).contains("paused by ana: lunch");
  }

  @Test
  void aRobotsReasonIsShownWithItsRolloutsProgressAndInItsRobots() throws Exception {
    String version = registeredRelease();
    // r2 runs no agent: with a robot timeout of 1 s its download is never picked up, and it ends OFFLINE.
    post("/api/rollouts", rollout("unreached", version, PLAN.replace("\"2m\"", "\"1s\""), "{\"robotIds\": [\"r2\"]}"));
    controlPlane.getBean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId("unreached"))
        .getResult(1, TimeUnit.MINUTES, RolloutProgress.class);

    JsonNode progress = get("/api/rollouts/unreached").body;
    assertThat(progress.get("status").asText()).isEqualTo("FAILED");
    assertThat(progress.get("reason").asText()).contains("0/1").endsWith("nothing was applied to any robot");
    JsonNode failure = progress.get("failureReasons").get(0);
    assertThat(failure.get("state").asText()).isEqualTo("OFFLINE");
    assertThat(failure.get("robots").asInt()).isEqualTo(1);
    assertThat(failure.get("reason").asText()).startsWith("download: ");
    assertThat(progress.get("failureReasons")).hasSize(1);

    JsonNode robots = get("/api/rollouts/unreached/robots").body;
    assertThat(robots.get("rolloutId").asText()).isEqualTo("unreached");
    assertThat(robots.get("next").isNull()).isTrue();
    JsonNode r2 = robots.get("robots").get(0);
    assertThat(r2.get("robotId").asText()).isEqualTo("r2");
    assertThat(r2.get("stage").asText()).isEqualTo("all");
    assertThat(r2.get("stageIndex").asInt()).isZero();
    assertThat(r2.get("state").asText()).isEqualTo("OFFLINE");
    assertThat(r2.get("reason")).isEqualTo(failure.get("reason"));
    assertThat(r2.get("updatedAt").asText()).isNotBlank();
  }

  @Test
  void aRolloutsRobotsArePagedByIdAndFilteredByState() throws Exception {
    String version = registeredRelease();
    RolloutRequest request = new RolloutRequest("paged", controlPlane.getBean(RolloutService.class).release(version)
        .orElseThrow(), WireJson.mapper().readValue(PLAN, RolloutPlan.class), TargetSelector.wholeFleet());
    // Stored as the rollout's workflow would store them; no workflow runs, so nothing else changes them.
    controlPlane.getBean(RolloutRepository.class).createRollout(request, Set.of());
    RolloutRobotRepository rolloutRobots = controlPlane.getBean(RolloutRobotRepository.class);
    rolloutRobots.storeStages("paged", List.of(List.of("p1", "p2", "p3", "p4", "p5")));
    rolloutRobots.recordRobotState("paged", "p2", RobotUpdateState.FAILED, "verify: checksum mismatch", null);
    rolloutRobots.recordRobotState("paged", "p4", RobotUpdateState.ROLLBACK_FAILED, "rollback: unreachable", null);
    rolloutRobots.recordRobotState("paged", "p6", RobotUpdateState.FAILED, "no stage listed it", null);

    JsonNode first = get("/api/rollouts/paged/robots?limit=2").body;
    assertThat(first.get("robots").findValuesAsText("robotId")).containsExactly("p1", "p2");
    assertThat(first.get("next").asText()).isEqualTo("p2");
    assertThat(first.get("robots").get(1).get("reason").asText()).isEqualTo("verify: checksum mismatch");
    JsonNode second = get("/api/rollouts/paged/robots?limit=2&after=p2").body;
    assertThat(second.get("robots").findValuesAsText("robotId")).containsExactly("p3", "p4");
    JsonNode last = get("/api/rollouts/paged/robots?limit=2&after=p4").body;
    assertThat(last.get("robots").findValuesAsText("robotId")).containsExactly("p5", "p6");
    assertThat(last.get("robots").get(1).get("stageIndex").asInt()).isEqualTo(-1);
    assertThat(last.get("robots").get(1).get("stage").isNull()).isTrue();
    assertThat(last.get("next").isNull()).as("no robot after p6").isTrue();
    assertThat(get("/api/rollouts/paged/robots").body.get("robots")).hasSize(6);

    for (String filter : List.of("state=FAILED&state=rollback_failed", "state=FAILED,ROLLBACK_FAILED")) {
      JsonNode failed = get("/api/rollouts/paged/robots?" + filter).body;
      assertThat(failed.get("robots").findValuesAsText("robotId")).as(filter).containsExactly("p2", "p4", "p6");
    }
    JsonNode afterP2 = get("/api/rollouts/paged/robots?state=FAILED&after=p2&limit=1").body;
    assertThat(afterP2.get("robots").findValuesAsText("robotId")).containsExactly("p6");
    assertThat(afterP2.get("next").isNull()).isTrue();
  }

  @Test
  void badRobotQueriesAreRefusedNamingTheParameter() throws Exception {
    Answer state = get("/api/rollouts/any/robots?state=FAILED&state=BROKEN");
    assertThat(state.status).isEqualTo(400);
    assertThat(state.error()).isEqualTo("state: 'BROKEN' is not a robot state; valid states: PENDING, DOWNLOADING,"
        + " VERIFIED, WAITING_SAFE_STATE, APPLIED, HEALTH_CHECKING, COMMITTED, FAILED, ROLLED_BACK, ROLLBACK_FAILED,"
        + " OFFLINE, DEFERRED");
    for (String limit : List.of("0", "1001", "ten", "-5")) {
      Answer answer = get("/api/rollouts/any/robots?limit=" + limit);
      assertThat(answer.status).as(limit).isEqualTo(400);
      assertThat(answer.error()).isEqualTo("limit: must be a whole number from 1 to 1000, not '" + limit + "'");
    }
    assertThat(get("/api/rollouts/nope/robots?limit=1000").error()).isEqualTo("rollout nope does not exist");
  }

  @Test
  void unknownRolloutIsNotFoundEverywhere() throws Exception {
    for (String path : List.of("/api/rollouts/nope", "/api/rollouts/nope/plan", "/api/rollouts/nope/events",
        "/api/rollouts/nope/robots")) {
      Answer answer = get(path);
      assertThat(answer.status).as(path).isEqualTo(404);
      assertThat(answer.error()).as(path).isEqualTo("rollout nope does not exist");
    }
  }

  @Test
  void commandWithoutOperatorIsRefused() throws Exception {
    String version = registeredRelease();
    post("/api/rollouts", rollout("no-author", version, PLAN, "{\"robotIds\": [\"r2\"]}"));

    Answer answer = post("/api/rollouts/no-author/pause", "{\"reason\": \"why not\"}");
    assertThat(answer.status).isEqualTo(400);
    assertThat(answer.error()).isEqualTo("operator is required");
    abortAndWait("no-author");
  }

  @Test
  void duplicateRolloutIdIsAConflict() throws Exception {
    String version = registeredRelease();
    assertThat(post("/api/rollouts", rollout("twice", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status)
        .isEqualTo(201);

    Answer again = post("/api/rollouts", rollout("twice", version, PLAN, "{\"robotIds\": [\"r1\"]}"));
    assertThat(again.status).isEqualTo(409);
    assertThat(again.error()).isEqualTo("rollout twice already exists");
    abortAndWait("twice");
  }

  @Test
  void rolloutOnRobotsOfARunningRolloutIsAConflictNamingIt() throws Exception {
    String version = registeredRelease();
    assertThat(post("/api/rollouts", rollout("lease-a", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status)
        .isEqualTo(201);

    Answer overlapping = post("/api/rollouts", rollout("lease-b", version, PLAN, "{}"));
    assertThat(overlapping.status).isEqualTo(409);
    assertThat(overlapping.error()).isEqualTo("target: 1 of its 2 robots belong to another rollout (1 in running"
        + " rollout lease-a); a robot belongs to one running rollout at a time: wait for it to end or abort it");
    assertThat(get("/api/rollouts/lease-b").status).isEqualTo(404);

    abortAndWait("lease-a");
    assertThat(post("/api/rollouts", rollout("lease-b", version, PLAN, "{}")).status).isEqualTo(201);
    abortAndWait("lease-b");
  }

  @Test
  void rolloutTerminatedOutsideOtaflowIsEndedByTheReconcilerWhichGivesItsRobotsBack() throws Exception {
    String version = registeredRelease();
    assertThat(post("/api/rollouts", rollout("terminated", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status)
        .isEqualTo(201);
    awaitStatus("terminated", "RUNNING");
    controlPlane.getBean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId("terminated"))
        .terminate("by hand, in the Temporal Web UI");
    assertThat(post("/api/rollouts", rollout("next", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status)
        .as("the terminated rollout still holds r1").isEqualTo(409);

    assertThat(controlPlane.getBean(RegistryReconciler.class).reconcile()).isEqualTo(1);

    JsonNode ended = get("/api/rollouts/terminated").body;
    assertThat(ended.get("status").asText()).isEqualTo("FAILED");
    assertThat(ended.get("reason").asText()).isEqualTo("workflow TERMINATED outside otaflow (Temporal Web UI or"
        + " CLI); robots in flight were asked to stop and roll themselves back");
    assertThat(controlPlane.getBean(RegistryReconciler.class).reconcile()).as("nothing left to do").isZero();
    assertThat(post("/api/rollouts", rollout("next", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status)
        .isEqualTo(201);
    abortAndWait("next");
  }

  @Test
  void ofRolloutsStartedAtTheSameInstantOnTheSameRobotOnlyOneStarts() throws Exception {
    String version = registeredRelease();
    List<String> ids = List.of("race-1", "race-2", "race-3", "race-4", "race-5", "race-6");
    List<CompletableFuture<HttpResponse<String>>> answers = ids.stream()
        .map(id -> http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl + "/api/rollouts"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(rollout(id, version, PLAN, "{\"robotIds\": [\"r2\"]}")))
            .build(), HttpResponse.BodyHandlers.ofString()))
        .toList();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      statuses.add(answer.get(1, TimeUnit.MINUTES).statusCode());
    }

    assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    abortAndWait(ids.get(statuses.indexOf(201)));
  }

  @Test
  void invalidPlanIsRefusedNamingTheField() throws Exception {
    String version = registeredRelease();
    String backwards = PLAN.replace("[{\"name\": \"all\", \"percent\": 100,", "[{\"name\": \"half\", \"percent\": 50,"
        + " \"bakeTime\": \"PT0S\", \"minHealthy\": 1.0}, {\"name\": \"all\", \"percent\": 40,");

    Answer answer = post("/api/rollouts", rollout("bad-plan", version, backwards, "{}"));
    assertThat(answer.status).isEqualTo(400);
    assertThat(answer.error()).isEqualTo("stages[1].percent: percentages are cumulative and must increase: 40 after 50");
    assertThat(get("/api/rollouts/bad-plan").status).isEqualTo(404);
  }

  @Test
  void unreadablePlanFieldsAreNamed() throws Exception {
    String version = registeredRelease();
    Answer duration = post("/api/rollouts", rollout("x", version, PLAN.replace("\"2m\"", "\"2 minutes\""), "{}"));
    assertThat(duration.status).isEqualTo(400);
    assertThat(duration.error()).isEqualTo("plan.robotTimeout: '2 minutes' is not a Duration (write durations like"
        + " 30s, 5m, 1h, 2d, 500ms or ISO-8601 like PT1H30M)");

    Answer typo = post("/api/rollouts", rollout("x", version, PLAN.replace("\"bakeTime\"", "\"bakeTim\""), "{}"));
    assertThat(typo.status).isEqualTo(400);
    assertThat(typo.error()).isEqualTo("plan.stages[0].bakeTim: unknown field");

    Answer noTarget = post("/api/rollouts", "{\"rolloutId\": \"x\", \"releaseVersion\": \"" + version
        + "\", \"plan\": " + PLAN + "}");
    assertThat(noTarget.status).isEqualTo(400);
    assertThat(noTarget.error()).isEqualTo("target (give {} for the whole fleet) is required");
  }

  @Test
  void targetsThatMatchNobodyOrNameUnknownRobotsAreRefused() throws Exception {
    String version = registeredRelease();
    Answer nobody = post("/api/rollouts", rollout("x", version, PLAN, "{\"labels\": {\"site\": \"paris\"}}"));
    assertThat(nobody.status).isEqualTo(400);
    assertThat(nobody.error()).startsWith("target: no registered robot matches");

    Answer unknown = post("/api/rollouts", rollout("x", version, PLAN, "{\"robotIds\": [\"r1\", \"r404\"]}"));
    assertThat(unknown.status).isEqualTo(400);
    assertThat(unknown.error()).isEqualTo("unknown robot(s): r404");
  }

  @Test
  void unknownReleaseOrRolloutIsNotFound() throws Exception {
    Answer release = post("/api/rollouts", rollout("x", "8.8.8", PLAN, "{}"));
    assertThat(release.status).isEqualTo(404);
    assertThat(release.error()).isEqualTo("release 8.8.8 is not registered; register it before starting a rollout");

    Answer progress = get("/api/rollouts/nobody");
    assertThat(progress.status).isEqualTo(404);
    assertThat(progress.error()).isEqualTo("rollout nobody does not exist");
    assertThat(post("/api/rollouts/nobody/pause", command("ana", "x")).status).isEqualTo(404);
    Answer path = get("/api/nothing-here");
    assertThat(path.status).isEqualTo(404);
    assertThat(path.error()).isNotBlank();
  }

  // ---- robots ----

  @Test
  void robotsAreListedWithLabelsVersionAndLatestTelemetry() throws Exception {
    controlPlane.getBean(TelemetryRepository.class)
        .record(new RobotTelemetry("r1", 87.5, 41.0, "1.0.0", System.currentTimeMillis()));

    JsonNode robots = get("/api/robots").body;
    JsonNode r1 = robots.get(0);
    assertThat(r1.get("robotId").asText()).isEqualTo("r1");
    assertThat(r1.get("labels").get("site").asText()).isEqualTo("lyon");
    assertThat(r1.get("installedVersion").asText()).isEqualTo("1.0.0");
    assertThat(r1.get("telemetry").get("batteryPercent").asDouble()).isEqualTo(87.5);
    assertThat(robots.get(1).get("robotId").asText()).isEqualTo("r2");
    assertThat(robots.get(1).get("telemetry").isNull()).isTrue();

    Answer one = get("/api/robots/r1");
    assertThat(one.status).isEqualTo(200);
    assertThat(one.body).isEqualTo(r1);
    Answer unknown = get("/api/robots/r404");
    assertThat(unknown.status).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown robot r404");
  }

  // ---- helpers ----

  private record Answer(int status, JsonNode body, String location) {
    String error() {
      return body.path("error").asText(null);
    }
  }

  private Answer get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
  }

  private Answer post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private Answer send(HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type")).as(response.body()).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    return new Answer(response.statusCode(), json.readTree(response.body()),
        response.headers().firstValue("Location").map(l -> URI.create(l).getPath()).orElse(null));
  }

  /** Aborts a rollout and waits for its end: its robots are free again for the next test. */
  private void abortAndWait(String rolloutId) throws Exception {
    assertThat(post("/api/rollouts/" + rolloutId + "/abort", command("ana", "cleanup")).status).isEqualTo(200);
    controlPlane.getBean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId(rolloutId))
        .getResult(1, TimeUnit.MINUTES, RolloutProgress.class);
  }

  private void awaitStatus(String rolloutId, String status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String now;
    while (!(now = get("/api/rollouts/" + rolloutId).body.path("status").asText()).equals(status)) {
      assertThat(System.nanoTime()).as("rollout %s still %s, not %s", rolloutId, now, status).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private String registeredRelease() throws Exception {
    String version = newVersion();
    assertThat(post("/api/releases", release(version, 4096, null, null)).status).isEqualTo(201);
    return version;
  }

  private static String newVersion() {
    return "3.0." + VERSIONS.incrementAndGet();
  }

  private static String release(String version, long size, String manifest, String extra) {
    return "{\"version\": \"" + version + "\", \"artifactUrl\": \"http://127.0.0.1:1/robot.tar.gz\", \"sha256\": \""
        + SHA + "\", \"sizeBytes\": " + size + ", \"changelog\": \"test\""
        + (manifest == null ? "" : ", \"signedManifest\": " + manifest)
        + (extra == null ? "" : ", " + extra) + "}";
  }

  /** Signed with a key of its own, not the server's: the control plane checks what it registers, not who signed. */
  private static String manifest(String version, String sha, long size, long releaseNumber) {
    KeyPair key = ManifestSigner.generate();
    return ManifestSigner.sign(new ReleaseManifest(version, sha, size, Map.of(), Instant.now().plus(Duration.ofDays(1)),
        releaseNumber, false), key.getPrivate(), key.getPublic()).toJson();
  }

  private static String rollout(String id, String version, String plan, String target) {
    return "{\"rolloutId\": \"" + id + "\", \"releaseVersion\": \"" + version + "\", \"plan\": " + plan
        + ", \"target\": " + target + "}";
  }

  private static String command(String operator, String reason) {
    return "{\"operator\": \"" + operator + "\", \"reason\": \"" + reason + "\"}";
  }
}
