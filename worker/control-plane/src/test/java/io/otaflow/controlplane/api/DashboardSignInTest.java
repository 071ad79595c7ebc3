package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.registry.UserRole;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signing in to the dashboard, over HTTP as a browser does (its cookies, no redirect followed unseen): with an API
 * token into a session cookie, and through the identity provider's authorization-code flow; refused for bad, robot
 * and role-less tokens; ended by revoking the token; forms that need their CSRF token. The browser test
 * (DashboardBrowserTest) drives the pages themselves.
 */
class DashboardSignInTest {

  private static final TestIdentityProvider PROVIDER = TestIdentityProvider.start();

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> {
    Files.writeString(dataDir.resolve("oidc-secret"), "s3cret\n");
    return Map.of("otaflow.oidc.issuer", PROVIDER.issuer(), "otaflow.oidc.audience", "otaflow",
        "otaflow.oidc.client-secret-file", dataDir.resolve("oidc-secret").toString());
  });

  @AfterAll
  static void stopProvider() {
    PROVIDER.close();
  }

  @Test
  void aTokenSignsInToAnHttpOnlySameSiteStrictSessionAndNothingElseOpensThePages() throws Exception {
    DashboardHttp browser = new DashboardHttp(api);
    HttpResponse<String> anonymous = browser.get("/ui");
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/ui/signin"));

    HttpResponse<String> signedIn = browser.signIn(token("rita", UserRole.RELEASE_MANAGER));
    assertThat(signedIn.statusCode()).isEqualTo(302);
    assertThat(signedIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie -> assertThat(cookie)
        .startsWith("OTAFLOW_SESSION=").contains("HttpOnly", "SameSite=Strict"));
    assertThat(browser.get("/ui").body()).contains("<h1>Fleet</h1>");

    assertThat(browser.get("/api/v1/robots").statusCode()).as("the API with the dashboard's cookie alone")
        .isEqualTo(401);
    HttpResponse<String> forged = browser.post("/ui/rollouts/killswitch", Map.of("action", "on", "reason", "x"));
    assertThat(forged.statusCode()).as("a form posted without its CSRF token").isEqualTo(403);
    assertThat(forged.body()).contains("CSRF");
  }

  @Test
  void badRobotAndRolelessTokensAreRefusedWithTheirReason() throws Exception {
    assertThat(new DashboardHttp(api).signIn("otaflow_0123456789abcdef_" + "x".repeat(43)).body())
        .contains("invalid token: unknown API token");
    String robotToken = api.bean(ApiTokens.class).issueForRobot("r1", Duration.ofHours(1), "test").token();
    HttpResponse<String> robot = new DashboardHttp(api).signIn(robotToken);
    assertThat(robot.statusCode()).isEqualTo(401);
    assertThat(robot.body()).contains("user robot:r1 has no otaflow role that may view the dashboard");
    assertThat(new DashboardHttp(api).signIn("").body()).contains("a token is required");
  }

  @Test
  void revokingTheTokenEndsTheSignInAtTheNextPage() throws Exception {
    ApiTokens.IssuedToken issued = api.bean(ApiTokens.class).issue("vic", UserRole.VIEWER, Duration.ofHours(1),
        "test");
    DashboardHttp browser = new DashboardHttp(api);
    browser.signIn(issued.token());
    assertThat(browser.get("/ui").statusCode()).isEqualTo(200);

    api.bean(ApiTokens.class).revoke(issued.record().tokenId());
    HttpResponse<String> after = browser.get("/ui");
    assertThat(after.statusCode()).isEqualTo(302);
    assertThat(after.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to)
        .endsWith("/ui/signin?ended"));
    assertThat(browser.get("/ui").headers().firstValue("Location")).as("the session holds no token any more")
        .hasValueSatisfying(to -> assertThat(to).endsWith("/ui/signin"));
  }

  @Test
  void theIdentityProvidersAuthorizationCodeFlowSignsInAndAPersonWithoutARoleIsTurnedAway() throws Exception {
    PROVIDER.signInAs("dana", List.of("release-manager", "payroll-admin"));
    DashboardHttp browser = new DashboardHttp(api);
    assertThat(browser.get("/ui/signin").body()).contains("/ui/oauth2/authorization/otaflow");
    HttpResponse<String> toProvider = browser.get("/ui/oauth2/authorization/otaflow");
    assertThat(toProvider.statusCode()).isEqualTo(302);
    String callback = browser.follow(toProvider).headers().firstValue("Location").orElseThrow();
    assertThat(callback).contains("/ui/login/oauth2/code/otaflow?code=");

    // From the provider's site the SameSite=Strict cookie stays behind: the callback loads itself again.
    HttpResponse<String> relay = new DashboardHttp(api).getUrl(callback);
    assertThat(relay.statusCode()).isEqualTo(200);
    assertThat(relay.body()).contains("http-equiv=\"refresh\"", "relayed=1");

    HttpResponse<String> signedIn = browser.getUrl(callback + "&relayed=1");
    assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/ui"));
    assertThat(browser.get("/ui").body()).contains("<h1>Fleet</h1>");
    assertThat(browser.get("/ui/rollouts").body()).as("the kill switch, an admin's command, for a release manager")
        .doesNotContain("Turn kill switch on");

    PROVIDER.signInAs("eve", List.of("payroll-admin"));
    DashboardHttp roleless = new DashboardHttp(api);
    roleless.get("/ui/signin");
    String eveCallback = roleless.follow(roleless.get("/ui/oauth2/authorization/otaflow")).headers()
        .firstValue("Location").orElseThrow();
    HttpResponse<String> refused = roleless.getUrl(eveCallback);
    assertThat(refused.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to)
        .endsWith("/ui/signin"));
    assertThat(roleless.get("/ui/signin").body()).contains("user eve has no otaflow role that may view");
    assertThat(roleless.get("/ui").statusCode()).isEqualTo(302);
  }

  private static String token(String user, UserRole role) {
    return api.bean(ApiTokens.class).issue(user, role, Duration.ofHours(1), "test").token();
  }
}
