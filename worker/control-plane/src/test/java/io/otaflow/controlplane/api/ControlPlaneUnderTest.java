package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.TemporalTestServer;
import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.registry.UserRole;
import io.otaflow.rollout.RolloutProgress;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real control plane as the REST tests run it: on Temporal's test server, its registry in an H2 file, the REST API
 * on a free port, the reconciler left to the tests; and the HTTP calls they make. Either one per test class
 * ({@link #perTestClass}, as a JUnit extension), or started and closed by the test on a Temporal of its choosing.
 */
final class ControlPlaneUnderTest implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  static final String SHA = "c".repeat(64);
  /** Durations in every form plan files may use: short (2m), a number of seconds, ISO-8601. */
  static final String PLAN = """
      {"stages": [{"name": "all", "percent": 100, "bakeTime": 0, "minHealthy": 1.0}],
       "maxParallel": 5, "robotTimeout": "2m", "healthChecks": 1, "healthSoak": "PT0S"}""";
  private static final AtomicInteger VERSIONS = new AtomicInteger();

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  /** Per test class: its properties, given the data directory. */
  private final ClassProperties classProperties;
  private Path classDataDir;
  private Path dataDir;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private TemporalTestServer classTemporal;
  private ConfigurableApplicationContext context;
  private String baseUrl;

  /** Properties that add to (or replace) the defaults, made once the data directory exists. */
  @FunctionalInterface
  interface ClassProperties {
    Map<String, String> in(Path dataDir) throws Exception;
  }

  private ControlPlaneUnderTest(ClassProperties classProperties) {
    this.classProperties = classProperties;
  }

  /**
   * For {@code @RegisterExtension}: started before the class's tests, on a Temporal test server and in a data
   * directory of its own, and closed after them.
   */
  static ControlPlaneUnderTest perTestClass(ClassProperties properties) {
    return new ControlPlaneUnderTest(properties);
  }

  /** Started now; {@code properties} add to (or replace) the defaults. */
  static ControlPlaneUnderTest start(String temporalTarget, Path dataDir, Map<String, String> properties) {
    ControlPlaneUnderTest controlPlane = new ControlPlaneUnderTest(null);
    controlPlane.run(temporalTarget, dataDir, properties);
    return controlPlane;
  }

  @Override
  public void beforeAll(ExtensionContext extension) throws Exception {
    classDataDir = Files.createTempDirectory("otaflow-control-plane-test");
    classTemporal = TemporalTestServer.start();
    run(classTemporal.target(), classDataDir.resolve("control"), classProperties.in(classDataDir));
  }

  @Override
  public void afterAll(ExtensionContext extension) throws IOException {
    close();
    classTemporal.close();
    try (Stream<Path> files = Files.walk(classDataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private void run(String temporalTarget, Path dataDir, Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(Map.of(
        "spring.temporal.connection.target", temporalTarget,
        "otaflow.temporal.test-server", "true",
        "otaflow.data-dir", dataDir.toString(),
        "server.port", "0",
        "management.server.port", "0",
        // The tests run the reconciler themselves.
        "otaflow.reconcile.initial-delay", "PT1H"));
    all.putAll(properties);
    this.dataDir = Path.of(all.get("otaflow.data-dir"));
    context = ControlPlaneApplication.start(all);
    baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  <T> T bean(String name, Class<T> type) {
    return context.getBean(name, type);
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The management port's base URL: health and Prometheus metrics, on loopback, without a token. */
  String managementUrl() {
    return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port");
  }

  /** {@code GET path} as plain text, without a token. */
  String text(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  @Override
  public void close() {
    if (context != null) {
      context.close();
    }
  }

  /** @param body a problem's {@code detail} when refused */
  record Answer(int status, JsonNode body, String location) {
    String error() {
      return body.path("detail").asText(null);
    }
  }

  /** As the admin whose token the control plane wrote at its first start. */
  Answer get(String path) throws Exception {
    return withToken(adminToken()).get(path);
  }

  Answer post(String path, String body) throws Exception {
    return withToken(adminToken()).post(path, body);
  }

  /** As {@code user}, a release manager. */
  Caller as(String user) {
    return as(user, UserRole.RELEASE_MANAGER);
  }

  /** As {@code user} with {@code role}, through a token issued for them once. */
  Caller as(String user, UserRole role) {
    return withToken(tokens.computeIfAbsent(user + " as " + role,
        key -> bean(ApiTokens.class).issue(user, role, Duration.ofHours(1), "test").token()));
  }

  /** With this bearer token as it is, or none when null. */
  Caller withToken(String token) {
    return new Caller(token);
  }

  /** HTTP calls with one bearer token (or none). */
  final class Caller {
    private final String token;

    private Caller(String token) {
      this.token = token;
    }

    Answer get(String path) throws Exception {
      return send(request(path).GET().build());
    }

    Answer post(String path, String body) throws Exception {
      return send(request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest.Builder request(String path) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
      return token == null ? request : request.header("Authorization", "Bearer " + token);
    }
  }

  String adminToken() throws IOException {
    return Files.readString(dataDir.resolve("admin-token")).strip();
  }

  private Answer send(HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type")).as(response.body()).hasValueSatisfying(
        type -> assertThat(type).matches("application/(problem\\+)?json.*"));
    return new Answer(response.statusCode(), json.readTree(response.body()),
        response.headers().firstValue("Location").map(l -> URI.create(l).getPath()).orElse(null));
  }

  /** Aborts a rollout and waits for its end: its robots are free again for the next test. */
  void abortAndWait(String rolloutId) throws Exception {
    assertThat(post("/api/v1/rollouts/" + rolloutId + "/abort", reason("cleanup")).status).isEqualTo(200);
    awaitEnd(OtaflowNames.rolloutWorkflowId(rolloutId));
  }

  RolloutProgress awaitEnd(String workflowId) throws TimeoutException {
    return bean(WorkflowClient.class).newUntypedWorkflowStub(workflowId)
        .getResult(1, TimeUnit.MINUTES, RolloutProgress.class);
  }

  void awaitStatus(String rolloutId, String status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String now;
    while (!(now = get("/api/v1/rollouts/" + rolloutId).body.path("status").asText()).equals(status)) {
      assertThat(System.nanoTime()).as("rollout %s still %s, not %s", rolloutId, now, status).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /**
   * A rollout of a new release on {@code robot}, which runs no agent, once RUNNING: it waits for the robot to pick up
   * its download for the plan's robot timeout (2 minutes), long enough to be steered.
   *
   * @return the release's version
   */
  String startRunning(String rolloutId, String robot) throws Exception {
    String version = registeredRelease();
    Answer started = post("/api/v1/rollouts", rollout(rolloutId, version, PLAN, "{\"robotIds\": [\"" + robot + "\"]}"));
    assertThat(started.status).as(started.body.toString()).isEqualTo(201);
    awaitStatus(rolloutId, "RUNNING");
    return version;
  }

  /**
   * A rollout of a new release on {@code robot}, which runs no agent, once ended: with a robot timeout of 1 s its
   * download is never picked up, the robot ends OFFLINE and the rollout FAILED, nothing applied.
   *
   * @return the release's version
   */
  String endedUnreached(String rolloutId, String robot) throws Exception {
    String version = registeredRelease();
    post("/api/v1/rollouts", rollout(rolloutId, version, PLAN.replace("\"2m\"", "\"1s\""),
        "{\"robotIds\": [\"" + robot + "\"]}"));
    awaitEnd(OtaflowNames.rolloutWorkflowId(rolloutId));
    return version;
  }

  /** A new release, registered. */
  String registeredRelease() throws Exception {
    String version = newVersion();
    assertThat(post("/api/v1/releases", release(version, 4096, null, null)).status).isEqualTo(201);
    return version;
  }

  static String newVersion() {
    return "3.0." + VERSIONS.incrementAndGet();
  }

  static String release(String version, long size, String manifest, String extra) {
    return "{\"version\": \"" + version + "\", \"artifactUrl\": \"http://127.0.0.1:1/robot.tar.gz\", \"sha256\": \""
        + SHA + "\", \"sizeBytes\": " + size + ", \"changelog\": \"test\""
        + (manifest == null ? "" : ", \"signedManifest\": " + manifest)
        + (extra == null ? "" : ", " + extra) + "}";
  }

  static String rollout(String id, String version, String plan, String target) {
    return "{\"rolloutId\": \"" + id + "\", \"releaseVersion\": \"" + version + "\", \"plan\": " + plan
        + ", \"target\": " + target + "}";
  }

  static String reason(String reason) {
    return "{\"reason\": \"" + reason + "\"}";
  }
}
