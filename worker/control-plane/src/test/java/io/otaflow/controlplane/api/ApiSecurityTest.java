package io.otaflow.controlplane.api;

import static io.otaflow.controlplane.api.ControlPlaneUnderTest.PLAN;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.reason;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.release;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Caller;
import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.UserRole;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may call what: every request but the health check needs a token that is known, unexpired and unrevoked (401,
 * logged and counted otherwise); each role against each kind of endpoint (reads, a release manager's commands, an
 * admin's); refusals by role are audited like every command; tokens are issued once and revoked for good.
 */
class ApiSecurityTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  @BeforeAll
  static void registerRobot() {
    api.bean(RobotRepository.class).registerRobot("r1", Map.of(), "1.0.0", null);
  }

  @Test
  void withoutATokenOnlyTheHealthCheckAnswers() throws Exception {
    double before = refusals("missing");
    Answer anonymous = api.withToken(null).get("/api/v1/rollouts");

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.error()).startsWith("authentication required: send Authorization: Bearer <token>");
    assertThat(refusals("missing")).isEqualTo(before + 1);
    assertThat(api.withToken(null).post("/api/v1/releases", release("9.9.9", 10, null, null)).status())
        .isEqualTo(401);
    assertThat(api.text(api.baseUrl() + "/readyz")).contains("\"status\":\"UP\"");
    assertThat(api.text(api.baseUrl() + "/livez")).contains("\"status\":\"UP\"");
    assertThat(api.withToken(null).get("/actuator/prometheus").status()).as("metrics are not on the API's port")
        .isEqualTo(404);
  }

  @Test
  void anUnknownForgedExpiredOrRevokedTokenIsRefused401() throws Exception {
    String good = api.bean(ApiTokens.class).issue("ana", UserRole.VIEWER, Duration.ofHours(1), "test").token();
    String forged = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    String expired = api.bean(ApiTokens.class).issue("ana", UserRole.VIEWER, Duration.ofNanos(1), "test").token();
    double before = refusals("invalid");

    assertThat(api.withToken(good).get("/api/v1/rollouts").status()).isEqualTo(200);
    assertThat(api.withToken("nonsense").get("/api/v1/rollouts").error())
        .isEqualTo("invalid bearer token: not an otaflow API token");
    assertThat(api.withToken(forged).get("/api/v1/rollouts").error())
        .isEqualTo("invalid bearer token: unknown API token");
    assertThat(api.withToken(expired).get("/api/v1/rollouts").error())
        .startsWith("invalid bearer token: API token ").contains(" expired at ");
    String tokenId = good.split("_")[1];
    assertThat(api.post("/api/v1/tokens/" + tokenId + "/revoke", "{}").status()).isEqualTo(200);
    Answer revoked = api.withToken(good).get("/api/v1/rollouts");
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.error()).startsWith("invalid bearer token: API token " + tokenId + " was revoked at ");
    assertThat(refusals("invalid")).isEqualTo(before + 4);
  }

  /** One kind of endpoint: a read, a release manager's command, an admin's command, an admin's read. */
  private record Call(String method, String path, String body) {
    Answer by(Caller caller) throws Exception {
      return method.equals("GET") ? caller.get(path) : caller.post(path, body);
    }
  }

  @Test
  void eachRoleReachesWhatItMayAndIsRefused403AndAuditedElsewhere() throws Exception {
    Call read = new Call("GET", "/api/v1/releases", null);
    Call publish = new Call("POST", "/api/v1/releases", null);
    Call killSwitch = new Call("POST", "/api/v1/killswitch/off", "{}");
    Call tokens = new Call("GET", "/api/v1/tokens", null);
    Map<UserRole, List<Boolean>> allowed = Map.of(
        UserRole.VIEWER, List.of(true, false, false, false),
        UserRole.RELEASE_MANAGER, List.of(true, true, false, false),
        UserRole.ADMIN, List.of(true, true, true, true));

    for (UserRole role : allowed.keySet()) {
      Caller caller = api.as("user-" + role.roleName(), role);
      List<Call> calls = List.of(read, new Call("POST", publish.path, release(ControlPlaneUnderTest.newVersion(), 10,
          null, null)), killSwitch, tokens);
      for (int i = 0; i < calls.size(); i++) {
        Answer answer = calls.get(i).by(caller);
        if (allowed.get(role).get(i)) {
          assertThat(answer.status()).as("%s %s", role, calls.get(i)).isBetween(200, 201);
        } else {
          assertThat(answer.status()).as("%s %s", role, calls.get(i)).isEqualTo(403);
          assertThat(answer.error()).contains("needs the role").contains("user user-" + role.roleName()
              + " has the role " + role.roleName());
        }
      }
    }

    JsonNode viewerRows = api.get("/api/v1/audit?user=user-viewer").body().get("items");
    assertThat(viewerRows).hasSize(2);
    assertThat(viewerRows.findValuesAsText("action")).containsExactly("killswitch.off", "release.publish");
    assertThat(viewerRows.findValuesAsText("accepted")).containsOnly("false");
    assertThat(viewerRows.get(0).get("result").asText())
        .isEqualTo("killswitch.off needs the role admin; user user-viewer has the role viewer");
    assertThat(api.get("/api/v1/audit?user=user-admin").body().get("items").findValuesAsText("result"))
        .containsExactly("accepted", "accepted");
  }

  @Test
  void theAuditTrailRecordsWhoDidWhatWhyAndWhatBecameOfItFilteredAndPaged() throws Exception {
    Instant start = Instant.now();
    String version = api.registeredRelease();
    Caller ana = api.as("ana");
    assertThat(ana.post("/api/v1/rollouts", rollout("audited", version, PLAN, "{\"robotIds\": [\"r1\"]}")).status())
        .isEqualTo(201);
    api.awaitStatus("audited", "RUNNING");
    assertThat(api.get("/api/v1/rollouts/audited/plan").body().get("startedBy").asText()).as("four-eyes needs it")
        .isEqualTo("ana");
    assertThat(ana.post("/api/v1/rollouts/audited/resume", reason("not paused")).status()).isEqualTo(409);
    assertThat(ana.post("/api/v1/rollouts/audited/pause", "{}").status()).isEqualTo(400);
    assertThat(api.as("bob").post("/api/v1/rollouts/audited/pause", reason("lunch")).status()).isEqualTo(200);
    api.abortAndWait("audited");

    JsonNode rows = api.get("/api/v1/audit?rollout=audited").body().get("items");
    assertThat(StreamSupport.stream(rows.spliterator(), false)
        .map(row -> String.join("|", row.get("user").asText(), row.get("role").asText(), row.get("action").asText(),
            row.get("targetKind").asText(), row.get("targetId").asText(), row.get("reason").asText(),
            row.get("result").asText()))
        .toList()).containsExactly(
        "admin|admin|rollout.abort|rollout|audited|cleanup|accepted",
        "bob|release-manager|rollout.pause|rollout|audited|lunch|accepted",
        "ana|release-manager|rollout.pause|rollout|audited|null|reason: is required",
        "ana|release-manager|rollout.resume|rollout|audited|not paused|cannot resume: rollout is RUNNING, not PAUSED",
        "ana|release-manager|rollout.start|rollout|audited|null|accepted");
    assertThat(api.get("/api/v1/audit?rollout=audited&user=ana").body().get("items")).hasSize(3);
    assertThat(api.get("/api/v1/audit?user=ana&since=" + Instant.now().plusSeconds(60)).body().get("items"))
        .isEmpty();

    Answer badSince = api.get("/api/v1/audit?since=1h");
    assertThat(badSince.status()).isEqualTo(400);
    assertThat(badSince.error()).isEqualTo("since: '1h' is not an instant like 2026-12-01T09:00:00Z");
    assertThat(badSince.body().get("field").asText()).isEqualTo("since");

    JsonNode first = api.get("/api/v1/audit?rollout=audited&limit=2").body();
    JsonNode second = api.get("/api/v1/audit?rollout=audited&limit=2&after=" + first.get("next").asText()).body();
    JsonNode third = api.get("/api/v1/audit?rollout=audited&limit=2&after=" + second.get("next").asText()).body();
    assertThat(first.get("items").findValuesAsText("action")).containsExactly("rollout.abort", "rollout.pause");
    assertThat(second.get("items").findValuesAsText("action")).containsExactly("rollout.pause", "rollout.resume");
    assertThat(third.get("items").findValuesAsText("action")).containsExactly("rollout.start");
    assertThat(third.get("next").isNull()).isTrue();
    assertThat(Instant.parse(third.get("items").get(0).get("recordedAt").asText())).isAfterOrEqualTo(
        start.minusSeconds(1));
  }

  @Test
  void anAdminIssuesATokenShownOnceListsAndRevokesIt() throws Exception {
    Answer created = api.post("/api/v1/tokens", "{\"user\": \"cy\", \"role\": \"release-manager\","
        + " \"expiresIn\": \"30d\"}");
    assertThat(created.status()).isEqualTo(201);
    String token = created.body().get("token").asText();
    String tokenId = created.body().get("tokenId").asText();
    assertThat(token).startsWith("otaflow_" + tokenId + "_");
    assertThat(Duration.between(Instant.parse(created.body().get("createdAt").asText()),
        Instant.parse(created.body().get("expiresAt").asText()))).isEqualTo(Duration.ofDays(30));
    assertThat(api.withToken(token).post("/api/v1/releases", release(ControlPlaneUnderTest.newVersion(), 10, null,
        null)).status()).isEqualTo(201);

    JsonNode listed = api.get("/api/v1/tokens").body();
    JsonNode cy = StreamSupport.stream(listed.spliterator(), false)
        .filter(row -> row.get("tokenId").asText().equals(tokenId)).findFirst().orElseThrow();
    assertThat(cy.get("user").asText()).isEqualTo("cy");
    assertThat(cy.get("token").isNull()).as("never shown again").isTrue();
    assertThat(listed.toString()).doesNotContain(token.substring(token.lastIndexOf('_') + 1)).doesNotContain("$2a$");

    Answer revoked = api.post("/api/v1/tokens/" + tokenId + "/revoke", "{}");
    assertThat(revoked.body().get("revokedAt").isNull()).isFalse();
    assertThat(api.withToken(token).get("/api/v1/releases").status()).isEqualTo(401);
    assertThat(api.post("/api/v1/tokens/nope/revoke", "{}").status()).isEqualTo(404);
    Answer badRole = api.post("/api/v1/tokens", "{\"user\": \"cy\", \"role\": \"root\"}");
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.body().get("field").asText()).isEqualTo("role");
    assertThat(badRole.error()).isEqualTo("role: unknown role 'root': one of viewer, release-manager, admin");
    assertThat(api.post("/api/v1/tokens", "{\"role\": \"viewer\"}").error()).isEqualTo("user: is required");
  }

  private static double refusals(String reason) {
    return api.bean(MeterRegistry.class).counter("otaflow.api.authentication.refused", "reason", reason).count();
  }
}
