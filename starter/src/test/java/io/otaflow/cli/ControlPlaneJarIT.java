package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.devstack.LocalPorts;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane as shipped: its executable jar, started with {@code java -jar} as its systemd unit starts it,
 * against Temporal's test server in another JVM. It answers its probes and its API, and serves the dashboard a person
 * signs in to (templates, styles and script inside the jar, compressed).
 */
class ControlPlaneJarIT {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
  }

  @Test
  void theExecutableJarServesItsApiAndTheDashboard() throws Exception {
    int temporalPort = LocalPorts.free();
    processes.add(TestProcesses.temporalTestServer(dir, temporalPort));
    int httpPort = LocalPorts.free();
    Path dataDir = dir.resolve("control");
    processes.add(TestProcesses.controlPlaneJar(dir, "control-plane", Map.of(
        "spring.temporal.connection.target", "127.0.0.1:" + temporalPort,
        "otaflow.temporal.test-server", "true",
        "otaflow.data-dir", dataDir.toString(),
        "server.port", Integer.toString(httpPort),
        "management.server.port", "0")));
    String base = "http://127.0.0.1:" + httpPort;
    HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).build();
    TestProcesses.waitFor("the jar's readiness probe", Duration.ofSeconds(120),
        () -> status(http, base + "/readyz") == 200);

    String admin = TestProcesses.adminToken(dataDir);
    HttpResponse<String> robots = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/robots"))
        .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(robots.statusCode()).isEqualTo(200);

    Matcher csrf = CSRF.matcher(get(http, base + "/ui/signin").body());
    assertThat(csrf.find()).as("the sign-in form's CSRF token").isTrue();
    HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/signin"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(admin, StandardCharsets.UTF_8)
            + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).isEqualTo(302);
    HttpResponse<String> fleet = get(http, base + "/ui");
    assertThat(fleet.statusCode()).isEqualTo(200);
    assertThat(fleet.body()).contains("<h1>Fleet</h1>", "/ui/static/dashboard.js");
    assertThat(fleet.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'self'"));
    HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(base + "/ui/static/dashboard.js"))
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Encoding")).hasValue("gzip");
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int status(HttpClient http, String url) {
    try {
      return get(http, url).statusCode();
    } catch (Exception notYet) {
      return -1;
    }
  }
}
