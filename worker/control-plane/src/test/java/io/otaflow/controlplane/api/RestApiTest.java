package io.otaflow.controlplane.api;

import static io.otaflow.controlplane.api.ControlPlaneUnderTest.PLAN;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.SHA;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.reason;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.newVersion;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.release;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.otaflow.controlplane.RegistryReconciler;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST API against the real control plane on Temporal's test server, over HTTP on a free port. The control plane
 * has a signing key; robots r1 (site=lyon) and r2 (site=oslo) are registered but run no agent, so rollouts wait for
 * them (robotTimeout) long enough to be steered.
 */
class RestApiTest {

  static KeyPair signingKey;
  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(RestApiTest::withSigningKey);
  final HttpClient http = HttpClient.newHttpClient();

  /** The control plane signs with a key of its own, in its data directory. */
  private static Map<String, String> withSigningKey(Path dataDir) throws Exception {
    signingKey = ManifestSigner.generate();
    Path keyFile = Files.createDirectories(dataDir.resolve("keys")).resolve("server.key");
    ManifestSigner.writePrivateKey(keyFile, signingKey.getPrivate());
    ManifestSigner.writePublicKey(ManifestSigner.publicKeyFile(keyFile), signingKey.getPublic());
    return Map.of("otaflow.signing.key-file", keyFile.toString());
  }

  @BeforeAll
  static void registerRobots() {
    RobotRepository robots = api.bean(RobotRepository.class);
    robots.registerRobot("r1", Map.of("site", "lyon"), "1.0.0", null);
    robots.registerRobot("r2", Map.of("site", "oslo"), "1.0.0", null);
  }

  // ---- releases ----

  @Test
  void releaseWithoutManifestIsSignedWithIncreasingReleaseNumbers() throws Exception {
    String first = newVersion();
    Answer created = api.post("/api/v1/releases", release(first, 4096, null, "\"labels\": {\"model\": \"mk2\"}"));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    assertThat(created.location()).isEqualTo("/api/v1/releases/" + first);
    long number = created.body().get("releaseNumber").asLong();
    assertThat(created.body().get("keyId").asText()).isEqualTo(ManifestSigner.keyId(signingKey.getPublic()));
    SignedManifest signed = SignedManifest.fromJson(created.body().get("signedManifest").toString());
    assertThat(signed.manifest().targetLabels()).isEqualTo(Map.of("model", "mk2"));
    assertThat(signed.manifest().sizeBytes()).isEqualTo(4096);
    assertThat(signed.manifest().expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(29)),
        Instant.now().plus(Duration.ofDays(30)));

    Answer second = api.post("/api/v1/releases", release(newVersion(), 4096, null, null));
    assertThat(second.body().get("releaseNumber").asLong()).isGreaterThan(number);

    Answer fetched = api.get("/api/v1/releases/" + first);
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.body().get("releaseNumber").asLong()).isEqualTo(number);
    assertThat(api.get("/api/v1/releases").body().findValuesAsText("version")).contains(first);
  }

  @Test
  void registeringTheSameReleaseAgainIsANoOpButAChangedOneIsAConflict() throws Exception {
    String version = newVersion();
    assertThat(api.post("/api/v1/releases", release(version, 4096, null, null)).status()).isEqualTo(201);

    Answer again = api.post("/api/v1/releases", release(version, 4096, null, null));
    assertThat(again.status()).isEqualTo(200);

    Answer changed = api.post("/api/v1/releases", release(version, 8192, null, null));
    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.error()).isEqualTo("release " + version + " is already registered with a different artifact");
  }

  @Test
  void givenManifestIsKeptAndTheNextServerSignedReleaseNumbersAfterIt() throws Exception {
    String version = newVersion();
    Answer created = api.post("/api/v1/releases", release(version, 4096, manifest(version, SHA, 4096, 1_000), null));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    assertThat(created.body().get("releaseNumber").asLong()).isEqualTo(1_000);

    Answer next = api.post("/api/v1/releases", release(newVersion(), 4096, null, null));
    assertThat(next.body().get("releaseNumber").asLong()).isEqualTo(1_001);
  }

  @Test
  void manifestForAnotherArtifactIsRefusedNamingTheField() throws Exception {
    String version = newVersion();
    Answer size = api.post("/api/v1/releases", release(version, 4096, manifest(version, SHA, 4097, 7), null));
    assertThat(size.status()).isEqualTo(400);
    assertThat(size.error()).isEqualTo("signedManifest.sizeBytes: the manifest says 4097 but the release says 4096;"
        + " a manifest must be for this very artifact");

    Answer sha = api.post("/api/v1/releases", release(version, 4096, manifest(version, "d".repeat(64), 4096, 7), null));
    assertThat(sha.error()).startsWith("signedManifest.artifactSha256: the manifest says ddd");

    Answer other = api.post("/api/v1/releases", release(version, 4096, manifest("9.9.9", SHA, 4096, 7), null));
    assertThat(other.error()).startsWith("signedManifest.version: the manifest says 9.9.9 but the release says "
        + version);

    Answer garbage = api.post("/api/v1/releases", release(version, 4096, "{\"manifest\": {}}", null));
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.error()).isEqualTo("manifest: expiresAt must be a string");
    assertThat(api.get("/api/v1/releases/" + version).status()).isEqualTo(404);
  }

  @Test
  void missingFieldsAndBadJsonAreRefused() throws Exception {
    Answer missing = api.post("/api/v1/releases", "{\"version\": \"1.2.3\", \"artifactUrl\": \"http://x/a.tgz\","
        + " \"sizeBytes\": 10}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error()).isEqualTo("sha256: is required");

    Answer badJson = api.post("/api/v1/releases", "{\"version\": ");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.error()).startsWith("request body is not valid JSON");

    Answer wrongType = api.post("/api/v1/releases", "{\"version\": \"1.2.3\", \"sizeBytes\": \"big\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.error()).startsWith("sizeBytes: 'big' is not a Long");

    Answer invalid = api.post("/api/v1/releases", release("2.0", 10, null, null));
    assertThat(invalid.error()).isEqualTo("release.version: '2.0' is not a semantic version (like 1.2.3)");
  }

  @Test
  void unknownReleaseIsNotFound() throws Exception {
    Answer answer = api.get("/api/v1/releases/7.7.7");
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.error()).startsWith("release 7.7.7 is not registered");
  }

  // ---- rollouts ----

  /** deploy/examples/plan.yaml, as `otaflow rollout start --plan` sends it: YAML read into JSON. */
  @Test
  void theExamplePlanIsAccepted() throws Exception {
    JsonNode examplePlan = new ObjectMapper(new YAMLFactory())
        .readTree(Path.of("..", "..", "deploy", "examples", "plan.yaml").toFile());
    Answer started = api.post("/api/v1/rollouts", rollout("example-plan", api.registeredRelease(),
        examplePlan.toString(), "{}"));

    assertThat(started.status()).as(started.body().toString()).isEqualTo(201);
    RolloutPlan plan = WireJson.mapper()
        .treeToValue(api.get("/api/v1/rollouts/example-plan/plan").body(), RolloutRequest.class).plan();
    assertThat(plan.stages()).extracting(StagePlan::bakeTime)
        .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO);
    assertThat(plan.robotTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(plan.safeStateDeadline()).isEqualTo(Duration.ofHours(1));
    api.abortAndWait("example-plan");
  }

  @Test
  void rolloutIsStartedSteeredAndReadOverHttp() throws Exception {
    String version = api.registeredRelease();
    Answer started = api.post("/api/v1/rollouts", rollout("steer-1", version, PLAN, "{\"labels\": {\"site\": \"lyon\"}}"));
    assertThat(started.status()).as(started.body().toString()).isEqualTo(201);
    assertThat(started.location()).isEqualTo("/api/v1/rollouts/steer-1");
    api.awaitStatus("steer-1", "RUNNING");

    Answer resume = api.as("ana").post("/api/v1/rollouts/steer-1/resume", reason("try"));
    assertThat(resume.status()).isEqualTo(409);
    assertThat(resume.error()).isEqualTo("cannot resume: rollout is RUNNING, not PAUSED");
    assertThat(api.as("ana").post("/api/v1/rollouts/steer-1/approve", reason("ok")).error())
        .isEqualTo("cannot approve: rollout is RUNNING, not WAITING_APPROVAL");

    Answer paused = api.as("ana").post("/api/v1/rollouts/steer-1/pause", reason("lunch"));
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.body().get("status").asText()).isEqualTo("PAUSED");
    assertThat(paused.body().get("reason").asText()).isEqualTo("paused by ana: lunch");
    assertThat(api.as("ana").post("/api/v1/rollouts/steer-1/pause", reason("again")).error())
        .isEqualTo("cannot pause: rollout is PAUSED, not RUNNING");
    assertThat(api.as("ana").post("/api/v1/rollouts/steer-1/resume", reason("back")).body().get("status").asText())
        .isEqualTo("RUNNING");

    Answer aborted = api.as("ana").post("/api/v1/rollouts/steer-1/abort", "{\"reason\": \"enough\","
        + " \"rollback\": false}");
    assertThat(aborted.status()).isEqualTo(200);
    api.awaitEnd(OtaflowNames.rolloutWorkflowId("steer-1"));
    Answer ended = api.get("/api/v1/rollouts/steer-1");
    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.body().get("status").asText()).isEqualTo("ABORTED");
    assertThat(ended.body().get("releaseVersion").asText()).isEqualTo(version);
    Answer late = api.as("ana").post("/api/v1/rollouts/steer-1/abort", reason("twice"));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.error()).isEqualTo("cannot abort: rollout already ended ABORTED");

    JsonNode listed = api.get("/api/v1/rollouts").body();
    assertThat(listed.findValuesAsText("rolloutId")).contains("steer-1");
    JsonNode events = api.get("/api/v1/rollouts/steer-1/events").body().get("items");
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
    api.endedUnreached("unreached", "r2");

    JsonNode progress = api.get("/api/v1/rollouts/unreached").body();
    assertThat(progress.get("status").asText()).isEqualTo("FAILED");
    assertThat(progress.get("reason").asText()).contains("0/1").endsWith("nothing was applied to any robot");
    JsonNode failure = progress.get("failureReasons").get(0);
    assertThat(failure.get("state").asText()).isEqualTo("OFFLINE");
    assertThat(failure.get("robots").asInt()).isEqualTo(1);
    assertThat(failure.get("reason").asText()).startsWith("download: ");
    assertThat(progress.get("failureReasons")).hasSize(1);

    JsonNode robots = api.get("/api/v1/rollouts/unreached/robots").body();
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
    String version = api.registeredRelease();
    RolloutRequest request = new RolloutRequest("paged", api.bean(RolloutService.class).release(version)
        .orElseThrow(), WireJson.mapper().readValue(PLAN, RolloutPlan.class), TargetSelector.wholeFleet(), null);
    // Stored as the rollout's workflow would store them; no workflow runs, so nothing else changes them.
    api.bean(RolloutRepository.class).createRollout(request, Set.of());
    RolloutRobotRepository rolloutRobots = api.bean(RolloutRobotRepository.class);
    rolloutRobots.storeStages("paged", List.of(List.of("p1", "p2", "p3", "p4", "p5")));
    rolloutRobots.recordRobotState("paged", "p2", RobotUpdateState.FAILED, "verify: checksum mismatch", null);
    rolloutRobots.recordRobotState("paged", "p4", RobotUpdateState.ROLLBACK_FAILED, "rollback: unreachable", null);
    rolloutRobots.recordRobotState("paged", "p6", RobotUpdateState.FAILED, "no stage listed it", null);

    JsonNode first = api.get("/api/v1/rollouts/paged/robots?limit=2").body();
    assertThat(first.get("robots").findValuesAsText("robotId")).containsExactly("p1", "p2");
    assertThat(first.get("next").asText()).isEqualTo("p2");
    assertThat(first.get("robots").get(1).get("reason").asText()).isEqualTo("verify: checksum mismatch");
    JsonNode second = api.get("/api/v1/rollouts/paged/robots?limit=2&after=p2").body();
    assertThat(second.get("robots").findValuesAsText("robotId")).containsExactly("p3", "p4");
    JsonNode last = api.get("/api/v1/rollouts/paged/robots?limit=2&after=p4").body();
    assertThat(last.get("robots").findValuesAsText("robotId")).containsExactly("p5", "p6");
    assertThat(last.get("robots").get(1).get("stageIndex").asInt()).isEqualTo(-1);
    assertThat(last.get("robots").get(1).get("stage").isNull()).isTrue();
    assertThat(last.get("next").isNull()).as("no robot after p6").isTrue();
    assertThat(api.get("/api/v1/rollouts/paged/robots").body().get("robots")).hasSize(6);

    for (String filter : List.of("state=FAILED&state=rollback_failed", "state=FAILED,ROLLBACK_FAILED")) {
      JsonNode failed = api.get("/api/v1/rollouts/paged/robots?" + filter).body();
      assertThat(failed.get("robots").findValuesAsText("robotId")).as(filter).containsExactly("p2", "p4", "p6");
    }
    JsonNode afterP2 = api.get("/api/v1/rollouts/paged/robots?state=FAILED&after=p2&limit=1").body();
    assertThat(afterP2.get("robots").findValuesAsText("robotId")).containsExactly("p6");
    assertThat(afterP2.get("next").isNull()).isTrue();
  }

  @Test
  void badRobotQueriesAreRefusedNamingTheParameter() throws Exception {
    Answer state = api.get("/api/v1/rollouts/any/robots?state=FAILED&state=BROKEN");
    assertThat(state.status()).isEqualTo(400);
    assertThat(state.error()).isEqualTo("state: 'BROKEN' is not a robot state; valid: PENDING, DOWNLOADING,"
        + " VERIFIED, WAITING_SAFE_STATE, APPLIED, HEALTH_CHECKING, COMMITTED, FAILED, ROLLED_BACK, ROLLBACK_FAILED,"
        + " OFFLINE, DEFERRED");
    for (String limit : List.of("0", "1001", "ten", "-5")) {
      Answer answer = api.get("/api/v1/rollouts/any/robots?limit=" + limit);
      assertThat(answer.status()).as(limit).isEqualTo(400);
      assertThat(answer.error()).isEqualTo("limit: must be a whole number from 1 to 1000, not '" + limit + "'");
    }
    assertThat(api.get("/api/v1/rollouts/nope/robots?limit=1000").error()).isEqualTo("rollout nope does not exist");
  }

  @Test
  void unknownRolloutIsNotFoundEverywhere() throws Exception {
    for (String path : List.of("/api/v1/rollouts/nope", "/api/v1/rollouts/nope/plan", "/api/v1/rollouts/nope/events",
        "/api/v1/rollouts/nope/robots")) {
      Answer answer = api.get(path);
      assertThat(answer.status()).as(path).isEqualTo(404);
      assertThat(answer.error()).as(path).isEqualTo("rollout nope does not exist");
    }
  }

  @Test
  void aCommandNamingItsOwnOperatorIsRefused() throws Exception {
    String version = api.registeredRelease();
    api.post("/api/v1/rollouts", rollout("no-author", version, PLAN, "{\"robotIds\": [\"r2\"]}"));

    Answer answer = api.post("/api/v1/rollouts/no-author/pause", "{\"operator\": \"ana\", \"reason\": \"why\"}");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.error()).isEqualTo("operator: unknown field");
    assertThat(api.get("/api/v1/rollouts/no-author").body().get("status").asText()).isEqualTo("RUNNING");
    api.abortAndWait("no-author");
  }

  @Test
  void duplicateRolloutIdIsAConflict() throws Exception {
    String version = api.registeredRelease();
    assertThat(api.post("/api/v1/rollouts", rollout("twice", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status())
        .isEqualTo(201);

    Answer again = api.post("/api/v1/rollouts", rollout("twice", version, PLAN, "{\"robotIds\": [\"r1\"]}"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.error()).isEqualTo("rollout twice already exists");
    api.abortAndWait("twice");
  }

  @Test
  void rolloutOnRobotsOfARunningRolloutIsAConflictNamingIt() throws Exception {
    String version = api.registeredRelease();
    assertThat(api.post("/api/v1/rollouts", rollout("lease-a", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status())
        .isEqualTo(201);

    Answer overlapping = api.post("/api/v1/rollouts", rollout("lease-b", version, PLAN, "{}"));
    assertThat(overlapping.status()).isEqualTo(409);
    assertThat(overlapping.error()).isEqualTo("target: 1 of its 2 robots belong to another rollout (1 in running"
        + " rollout lease-a); a robot belongs to one running rollout at a time: wait for it to end or abort it");
    assertThat(api.get("/api/v1/rollouts/lease-b").status()).isEqualTo(404);

    api.abortAndWait("lease-a");
    assertThat(api.post("/api/v1/rollouts", rollout("lease-b", version, PLAN, "{}")).status()).isEqualTo(201);
    api.abortAndWait("lease-b");
  }

  @Test
  void rolloutTerminatedOutsideOtaflowIsEndedByTheReconcilerWhichGivesItsRobotsBack() throws Exception {
    String version = api.registeredRelease();
    assertThat(api.post("/api/v1/rollouts", rollout("terminated", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status())
        .isEqualTo(201);
    api.awaitStatus("terminated", "RUNNING");
    api.bean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId("terminated"))
        .terminate("by hand, in the Temporal Web UI");
    assertThat(api.post("/api/v1/rollouts", rollout("next", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status())
        .as("the terminated rollout still holds r1").isEqualTo(409);

    assertThat(api.bean(RegistryReconciler.class).reconcile()).isEqualTo(1);

    JsonNode ended = api.get("/api/v1/rollouts/terminated").body();
    assertThat(ended.get("status").asText()).isEqualTo("FAILED");
    assertThat(ended.get("reason").asText()).isEqualTo("workflow TERMINATED outside otaflow (Temporal Web UI or"
        + " CLI); robot workflows still running were told to stop, each rolls itself back if it had applied");
    assertThat(api.bean(RegistryReconciler.class).reconcile()).as("nothing left to do").isZero();
    assertThat(api.post("/api/v1/rollouts", rollout("next", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status())
        .isEqualTo(201);
    api.abortAndWait("next");
  }

  @Test
  void ofRolloutsStartedAtTheSameInstantOnTheSameRobotOnlyOneStarts() throws Exception {
    String version = api.registeredRelease();
    String token = api.adminToken();
    List<String> ids = List.of("race-1", "race-2", "race-3", "race-4", "race-5", "race-6");
    List<CompletableFuture<HttpResponse<String>>> answers = ids.stream()
        .map(id -> http.sendAsync(HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/rollouts"))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(rollout(id, version, PLAN, "{\"robotIds\": [\"r2\"]}")))
            .build(), HttpResponse.BodyHandlers.ofString()))
        .toList();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      statuses.add(answer.get(1, TimeUnit.MINUTES).statusCode());
    }

    assertThat(statuses).containsOnly(201, 409).containsOnlyOnce(201);
    api.abortAndWait(ids.get(statuses.indexOf(201)));
  }

  @Test
  void invalidPlanIsRefusedNamingTheField() throws Exception {
    String version = api.registeredRelease();
    String backwards = PLAN.replace("[{\"name\": \"all\", \"percent\": 100,", "[{\"name\": \"half\", \"percent\": 50,"
        + " \"bakeTime\": \"PT0S\", \"minHealthy\": 1.0}, {\"name\": \"all\", \"percent\": 40,");

    Answer answer = api.post("/api/v1/rollouts", rollout("bad-plan", version, backwards, "{}"));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.error())
        .isEqualTo("plan.stages[1].percent: percentages are cumulative and must increase: 40 after 50");
    assertThat(answer.body().get("field").asText()).isEqualTo("plan.stages[1].percent");
    assertThat(api.get("/api/v1/rollouts/bad-plan").status()).isEqualTo(404);
  }

  @Test
  void unreadablePlanFieldsAreNamed() throws Exception {
    String version = api.registeredRelease();
    Answer duration = api.post("/api/v1/rollouts", rollout("x", version, PLAN.replace("\"2m\"", "\"2 minutes\""), "{}"));
    assertThat(duration.status()).isEqualTo(400);
    assertThat(duration.error()).isEqualTo("plan.robotTimeout: '2 minutes' is not a Duration (write durations like"
        + " 30s, 5m, 1h, 2d, 500ms or ISO-8601 like PT1H30M)");

    Answer typo = api.post("/api/v1/rollouts", rollout("x", version, PLAN.replace("\"bakeTime\"", "\"bakeTim\""), "{}"));
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.error()).isEqualTo("plan.stages[0].bakeTim: unknown field");
    assertThat(typo.body().get("field").asText()).isEqualTo("plan.stages[0].bakeTim");

    Answer noTarget = api.post("/api/v1/rollouts", "{\"rolloutId\": \"x\", \"releaseVersion\": \"" + version
        + "\", \"plan\": " + PLAN + "}");
    assertThat(noTarget.status()).isEqualTo(400);
    assertThat(noTarget.error()).isEqualTo("target: is required (give {} for the whole fleet)");
  }

  @Test
  void targetsThatMatchNobodyOrNameUnknownRobotsAreRefused() throws Exception {
    String version = api.registeredRelease();
    Answer nobody = api.post("/api/v1/rollouts", rollout("x", version, PLAN, "{\"labels\": {\"site\": \"paris\"}}"));
    assertThat(nobody.status()).isEqualTo(400);
    assertThat(nobody.error()).isEqualTo("target: no registered robot matches robots labelled site=paris");

    Answer unknown = api.post("/api/v1/rollouts", rollout("x", version, PLAN, "{\"robotIds\": [\"r1\", \"r404\"]}"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.error()).isEqualTo("unknown robot(s): r404");
  }

  @Test
  void unknownReleaseOrRolloutIsNotFound() throws Exception {
    Answer release = api.post("/api/v1/rollouts", rollout("x", "8.8.8", PLAN, "{}"));
    assertThat(release.status()).isEqualTo(404);
    assertThat(release.error()).isEqualTo("release 8.8.8 is not registered; register it before starting a rollout");

    Answer progress = api.get("/api/v1/rollouts/nobody");
    assertThat(progress.status()).isEqualTo(404);
    assertThat(progress.error()).isEqualTo("rollout nobody does not exist");
    assertThat(api.as("ana").post("/api/v1/rollouts/nobody/pause", reason("x")).status()).isEqualTo(404);
    Answer path = api.get("/api/v1/nothing-here");
    assertThat(path.status()).isEqualTo(404);
    assertThat(path.error()).isNotBlank();
  }

  // ---- robots ----

  @Test
  void robotsAreListedWithLabelsVersionAndLatestTelemetry() throws Exception {
    api.bean(TelemetryRepository.class)
        .recordAll(List.of(new RobotTelemetry("r1", 87.5, 41.0, "1.0.0", System.currentTimeMillis(), "verify",
            "0.4.0")));

    JsonNode robots = api.get("/api/v1/robots").body().get("items");
    JsonNode r1 = robots.get(0);
    assertThat(r1.get("robotId").asText()).isEqualTo("r1");
    assertThat(r1.get("labels").get("site").asText()).isEqualTo("lyon");
    assertThat(r1.get("installedVersion").asText()).isEqualTo("1.0.0");
    assertThat(r1.get("telemetry").get("batteryPercent").asDouble()).isEqualTo(87.5);
    assertThat(robots.get(1).get("robotId").asText()).isEqualTo("r2");
    assertThat(robots.get(1).get("telemetry").isNull()).isTrue();

    Answer one = api.get("/api/v1/robots/r1");
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().get("robot")).isEqualTo(r1);
    assertThat(api.get("/api/v1/robots?label=site=oslo").body().get("items").findValuesAsText("robotId"))
        .containsExactly("r2");
    assertThat(api.get("/api/v1/robots?label=site=oslo&version=2.0.0").body().get("items")).isEmpty();
    assertThat(api.get("/api/v1/robots?limit=1").body().get("next").asText()).isEqualTo("r1");
    assertThat(api.get("/api/v1/robots?limit=1&after=r1").body().get("items").findValuesAsText("robotId"))
        .containsExactly("r2");
    Answer badLabel = api.get("/api/v1/robots?label=oslo");
    assertThat(badLabel.status()).isEqualTo(400);
    assertThat(badLabel.error()).isEqualTo("label: 'oslo' is not name=value");
    Answer unknown = api.get("/api/v1/robots/r404");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("unknown robot r404");
  }

  // ---- helpers ----

  /** Signed with a key of its own, not the server's: the control plane checks what it registers, not who signed. */
  private static String manifest(String version, String sha, long size, long releaseNumber) {
    KeyPair key = ManifestSigner.generate();
    return ManifestSigner.sign(new ReleaseManifest(version, sha, size, Map.of(), Instant.now().plus(Duration.ofDays(1)),
        releaseNumber, false), key.getPrivate(), key.getPublic()).toJson();
  }
}
