package io.otaflow.controlplane.api;

import static io.otaflow.controlplane.api.ControlPlaneUnderTest.release;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A company identity provider's JWTs: the control plane finds the issuer's keys through its discovery document (served
 * here, with a key the test holds), takes the user from {@code preferred_username} and the roles from {@code roles},
 * and refuses tokens that are expired, signed by another key, from another issuer, or carry no otaflow role.
 */
class OidcAuthenticationTest {

  private static final TestIdentityProvider ISSUER = TestIdentityProvider.start();
  private static final RSAKey KEY = ISSUER.key();
  private static final RSAKey OTHER_KEY = TestIdentityProvider.rsaKey("idp-key");
  private static final String ISSUER_URL = ISSUER.issuer();

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(
      dataDir -> Map.of("otaflow.oidc.issuer", ISSUER_URL, "otaflow.oidc.audience", "otaflow"));

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  @Test
  void aReleaseManagersJwtPublishesUnderTheirNameAndTheAuditSaysSo() throws Exception {
    String jwt = jwt(KEY, ISSUER_URL, "dana", List.of("release-manager", "payroll-admin"), Instant.now().plusSeconds(300));
    String version = ControlPlaneUnderTest.newVersion();

    assertThat(api.withToken(jwt).post("/api/v1/releases", release(version, 10, null, null)).status()).isEqualTo(201);
    assertThat(api.withToken(jwt).post("/api/v1/killswitch/on", "{\"reason\": \"x\"}").status()).isEqualTo(403);
    var rows = api.get("/api/v1/audit?user=dana").body().get("items");
    assertThat(rows.findValuesAsText("action")).containsExactly("killswitch.on", "release.publish");
    assertThat(rows.findValuesAsText("role")).containsOnly("release-manager");
    assertThat(rows.get(1).get("targetId").asText()).isEqualTo(version);
  }

  @Test
  void expiredForeignOrRolelessJwtsAreRefused() throws Exception {
    Answer expired = api.withToken(jwt(KEY, ISSUER_URL, "dana", List.of("viewer"), Instant.now().minusSeconds(120)))
        .get("/api/v1/releases");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.error()).startsWith("invalid bearer token: ").contains("expired");
    Answer otherKey = api.withToken(jwt(OTHER_KEY, ISSUER_URL, "dana", List.of("admin"), Instant.now().plusSeconds(60)))
        .get("/api/v1/releases");
    assertThat(otherKey.status()).isEqualTo(401);
    Answer otherIssuer = api.withToken(jwt(KEY, "https://evil.example/realms/acme", "dana", List.of("admin"),
        Instant.now().plusSeconds(60))).get("/api/v1/releases");
    assertThat(otherIssuer.status()).isEqualTo(401);
    assertThat(otherIssuer.error()).contains("iss");

    Answer otherApplication = api.withToken(jwt(KEY, ISSUER_URL, "payroll", "dana", List.of("admin"),
        Instant.now().plusSeconds(60))).get("/api/v1/releases");
    assertThat(otherApplication.status()).as("a token for another application, whose admin is not otaflow's")
        .isEqualTo(401);
    assertThat(otherApplication.error()).contains("aud");

    String eve = jwt(KEY, ISSUER_URL, "eve", List.of("payroll-admin"), Instant.now().plusSeconds(60));
    Answer roleless = api.withToken(eve).get("/api/v1/releases");
    assertThat(roleless.status()).isEqualTo(403);
    assertThat(roleless.error()).isEqualTo("user eve holds no otaflow role (viewer, release-manager, admin)");
    assertThat(api.withToken(eve).post("/api/v1/rollouts/any/pause", "{\"reason\": \"x\"}").status()).isEqualTo(403);
    var audited = api.get("/api/v1/audit?user=eve").body().get("items");
    assertThat(audited).hasSize(1);
    assertThat(audited.get(0).get("action").asText()).isEqualTo("POST /api/v1/rollouts/any/pause");
    assertThat(audited.get(0).get("role").isNull()).isTrue();
    assertThat(audited.get(0).get("accepted").asBoolean()).isFalse();

    String robotClaim = jwt(KEY, ISSUER_URL, "rob", List.of("robot"), Instant.now().plusSeconds(60));
    Answer telemetry = api.withToken(robotClaim).post("/api/v1/telemetry", "{\"robotId\": \"r1\", \"samples\": []}");
    assertThat(telemetry.status()).as("no identity provider grants a robot's role").isEqualTo(403);
    assertThat(telemetry.error()).startsWith("user rob is not a robot");
  }

  private static String jwt(RSAKey key, String issuer, String user, List<String> roles, Instant expires) {
    return jwt(key, issuer, "otaflow", user, roles, expires);
  }

  private static String jwt(RSAKey key, String issuer, String audience, String user, List<String> roles,
                            Instant expires) {
    return TestIdentityProvider.jwt(key, issuer, audience, user, roles, expires, null);
  }
}
