package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.registry.RobotRepository;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a release manager does from the CLI against a real control plane, as three people: the admin (the token the
 * server wrote at its first start), ana (release-manager) and vic (viewer). Each command's exit code says what
 * happened: 0 done, 2 bad input, 3 not found, 4 refused by the rollout's state, 6 not allowed. Robot r1 runs no agent,
 * so its rollout waits for it long enough to be steered.
 */
class ReleaseManagerCliTest {

  private static final String PLAN = """
      stages:
        - {name: all, percent: 100, bakeTime: 0s, minHealthy: 1.0}
      maxParallel: 1
      robotTimeout: 10m
      healthChecks: 1
      healthSoak: 0s
      """;

  @TempDir
  static Path dir;
  private static EmbeddedTemporal temporal;
  private static ConfigurableApplicationContext controlPlane;
  private static String server;
  private static Path admin;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() {
    Logging.takeOver();
    Logging.toFile(dir.resolve("otaflow.log"));
    temporal = EmbeddedTemporal.start();
    controlPlane = TestControlPlane.startWithApi(temporal.target(), dir, Map.of());
    controlPlane.getBean(RobotRepository.class).registerRobot("r1", Map.of("site", "lyon"), "0.9.0", null);
    server = TestControlPlane.apiUrl(controlPlane);
    admin = dir.resolve("control").resolve("admin-token");
  }

  @AfterAll
  static void stop() {
    controlPlane.close();
    temporal.close();
  }

  @Test
  void aReleaseManagerPublishesStartsFindsAndSteersARolloutAndTheAuditTrailSaysWhoDidWhat() throws Exception {
    Path ana = token("ana", "release-manager");
    Path vic = token("vic", "viewer");
    Path artifact = Files.writeString(dir.resolve("robot-1.0.0.tar.gz"), "not really a tarball");
    Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);

    assertThat(otaflow(vic, "release", "publish", "--version", "1.0.0", "--artifact", artifact.toString(),
        "--artifact-url", "http://127.0.0.1:1/robot-1.0.0.tar.gz")).isEqualTo(ExitCodes.NOT_ALLOWED);
    assertThat(err.toString()).isEqualTo(line("otaflow: release.publish needs the role release-manager; user vic has"
        + " the role viewer"));
    assertThat(otaflow(ana, "release", "publish", "--version", "1.0.0", "--artifact", artifact.toString(),
        "--artifact-url", "http://127.0.0.1:1/robot-1.0.0.tar.gz")).as(err.toString()).isZero();
    assertThat(otaflow(vic, "release", "list")).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("VERSION").contains("1.0.0").contains("http://127.0.0.1:1/robot-1.0.0.tar.gz");
    assertThat(otaflow(vic, "release", "show", "1.0.0")).isZero();
    assertThat(out.toString()).startsWith("release 1.0.0 (unsigned)");
    assertThat(otaflow(vic, "release", "show", "9.9.9")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(err.toString()).isEqualTo(line("otaflow: release 9.9.9 is not registered; register it before starting"
        + " a rollout"));

    assertThat(otaflow(ana, "rollout", "start", "--id", "cli-audit", "--release", "1.0.0", "--plan", plan.toString(),
        "--target", "site=lyon")).as(err.toString()).isZero();
    assertThat(otaflow(ana, "rollout", "start", "--id", "cli-audit", "--release", "1.0.0", "--plan", plan.toString(),
        "--target", "site=lyon")).isEqualTo(ExitCodes.REFUSED);
    assertThat(otaflow(ana, "rollout", "start", "--id", "cli-other", "--release", "1.0.0", "--plan",
        dir.resolve("missing.yaml").toString(), "--all")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).hasLineCount(1).startsWith("otaflow: ").contains("missing.yaml");
    awaitStatus(vic, "cli-audit", "RUNNING");
    assertThat(otaflow(vic, "rollout", "list", "--status", "RUNNING", "--json")).isZero();
    JsonNode running = ControlPlaneClient.JSON.readTree(out.toString());
    assertThat(running.get("items").findValuesAsText("rolloutId")).containsExactly("cli-audit");
    assertThat(otaflow(vic, "rollout", "list", "--release", "1.0.0")).isZero();
    assertThat(out.toString()).startsWith("ROLLOUT").contains("cli-audit").contains("RUNNING");
    assertThat(otaflow(vic, "rollout", "list", "--status", "DONE")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(otaflow(vic, "rollout", "events", "cli-audit")).isZero();
    assertThat(out.toString()).contains("ROLLOUT_STATUS").contains("PENDING").contains("RUNNING");
    assertThat(otaflow(vic, "rollout", "events", "nope")).isEqualTo(ExitCodes.NOT_FOUND);

    assertThat(otaflow(vic, "rollout", "pause", "cli-audit", "--reason", "lunch")).isEqualTo(ExitCodes.NOT_ALLOWED);
    assertThat(otaflow(ana, "rollout", "pause", "cli-audit", "--reason", "lunch")).as(err.toString()).isZero();
    assertThat(otaflow(ana, "rollout", "pause", "cli-audit", "--reason", "again")).isEqualTo(ExitCodes.REFUSED);
    assertThat(err.toString()).isEqualTo(line("otaflow: cannot pause: rollout is PAUSED, not RUNNING"));

    assertThat(otaflow(vic, "robots", "show", "r1")).isZero();
    assertThat(out.toString()).startsWith("robot r1: release 0.9.0").contains("cli-audit");
    assertThat(otaflow(vic, "robots", "show", "r404")).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(otaflow(vic, "robots", "--label", "site=lyon", "--json")).isZero();
    assertThat(ControlPlaneClient.JSON.readTree(out.toString()).get("items").findValuesAsText("robotId"))
        .containsExactly("r1");
    assertThat(otaflow(vic, "robots", "--label", "site=oslo")).isZero();
    assertThat(out.toString()).isEqualTo(line("No robots registered match."));

    assertThat(otaflow(vic, "audit", "--rollout", "cli-audit", "--since", "1h", "--json")).isZero();
    JsonNode audit = ControlPlaneClient.JSON.readTree(out.toString()).get("items");
    assertThat(audit.findValuesAsText("action")).containsExactly("rollout.pause", "rollout.pause", "rollout.pause",
        "rollout.start", "rollout.start");
    assertThat(audit.findValuesAsText("user")).containsExactly("ana", "ana", "vic", "ana", "ana");
    assertThat(audit.get(0).get("result").asText()).isEqualTo("cannot pause: rollout is PAUSED, not RUNNING");
    assertThat(otaflow(vic, "audit", "--user", "vic")).isZero();
    assertThat(out.toString()).startsWith("AT").contains("release.publish").contains("rollout.pause")
        .contains("needs the role release-manager");
    assertThat(otaflow(ana, "rollout", "abort", "cli-audit", "--reason", "done")).as(err.toString()).isZero();
  }

  @Test
  void tokensAreIssuedOnceListedByAdminsAndRevokedForGood() throws Exception {
    assertThat(otaflow(admin, "tokens", "create", "--user", "cy", "--role", "release-manager", "--expires-in", "7d"))
        .as(err.toString()).isZero();
    String token = out.toString().strip();
    assertThat(token).startsWith("otaflow_").doesNotContain("\n");
    assertThat(err.toString()).startsWith("Issued token ").contains(" for cy (release-manager), expires ");
    Path cy = Files.writeString(dir.resolve("cy.token"), token);
    String tokenId = token.split("_")[1];

    assertThat(otaflow(cy, "tokens", "list")).isEqualTo(ExitCodes.NOT_ALLOWED);
    assertThat(otaflow(admin, "tokens", "list")).isZero();
    assertThat(out.toString()).contains(tokenId).contains("cy").doesNotContain(token);
    assertThat(otaflow(admin, "tokens", "create", "--user", "cy", "--role", "root")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).isEqualTo(line("otaflow: role: unknown role 'root': one of viewer, release-manager,"
        + " admin"));
    assertThat(otaflow(admin, "tokens", "revoke", tokenId)).isZero();
    assertThat(otaflow(cy, "rollout", "list")).isEqualTo(ExitCodes.NOT_ALLOWED);
    assertThat(err.toString()).startsWith("otaflow: invalid bearer token: API token " + tokenId + " was revoked at ");
    assertThat(otaflow(admin, "tokens", "revoke", "nope")).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void aRobotTokenIsIssuedForOneRobotAndNoPersonAtOnce() throws Exception {
    assertThat(otaflow(admin, "tokens", "create", "--robot", "r7")).as(err.toString()).isZero();
    String token = out.toString().strip();
    assertThat(token).startsWith("otaflow_");
    assertThat(err.toString()).startsWith("Issued token ").contains(" for robot:r7 (robot), expires ");
    Path robot = Files.writeString(dir.resolve("r7.token"), token);
    assertThat(otaflow(robot, "rollout", "list")).as("a robot token only reports telemetry")
        .isEqualTo(ExitCodes.NOT_ALLOWED);
    assertThat(otaflow(admin, "tokens", "list")).isZero();
    assertThat(out.toString()).containsPattern(token.split("_")[1] + " +robot:r7 +robot ");

    assertThat(otaflow(admin, "tokens", "create", "--robot", "r7", "--user", "cy", "--role", "viewer"))
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void withoutATokenTheCliSaysWhereToPutOne() {
    assertThat(otaflow(null, "rollout", "list")).isEqualTo(ExitCodes.NOT_ALLOWED);

    assertThat(err.toString()).isEqualTo(line("otaflow: authentication required: send Authorization: Bearer <token>,"
        + " an API token (otaflow tokens create) or a JWT from the identity provider (no token given: use --token-file"
        + " FILE, $OTAFLOW_TOKEN or token-file in ~/.config/otaflow/config.yaml)"));
    assertThat(otaflow(dir.resolve("no-such-token"), "rollout", "list")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).isEqualTo(line("otaflow: --token-file: " + dir.resolve("no-such-token")
        + " does not exist"));
  }

  /** A server that is not otaflow (a proxy's login page, another service) is named, never printed. */
  @Test
  void anHtmlPageFromAnotherServerIsOneLineNotThePage() throws Exception {
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext("/", exchange -> {
      byte[] page = "<html><body><h1>Sign in to Corp SSO</h1></body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    other.start();
    try {
      String url = "http://127.0.0.1:" + other.getAddress().getPort();
      assertThat(run("rollout", "list", "--server", url, "--token-file", admin.toString())).isEqualTo(ExitCodes.ERROR);
      assertThat(err.toString()).isEqualTo(line("otaflow: unexpected answer from " + url + " (HTTP 200, text/html,"
          + " not otaflow's JSON): is it the otaflow control plane?"));
    } finally {
      other.stop(0);
    }
  }

  @Test
  void helpListsTheExitCodesAndCompletionIsAScript() {
    assertThat(run("rollout", "pause", "--help")).isZero();
    assertThat(out.toString()).contains("Exit codes:").contains("4:").contains("6:")
        .contains("not authenticated (no or bad token) or role too low").doesNotContain("--operator");
    assertThat(run("generate-completion")).isZero();
    assertThat(out.toString()).contains("complete -F").contains("otaflow");
  }

  private Path token(String user, String role) throws Exception {
    assertThat(otaflow(admin, "tokens", "create", "--user", user, "--role", role)).as(err.toString()).isZero();
    return Files.writeString(dir.resolve(user + ".token"), out.toString().strip());
  }

  private void awaitStatus(Path token, String rolloutId, String status) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      assertThat(otaflow(token, "rollout", "status", rolloutId, "--json")).isZero();
      if (ControlPlaneClient.JSON.readTree(out.toString()).path("status").asText().equals(status)) {
        return;
      }
      assertThat(System.nanoTime()).as("%s never %s", rolloutId, status).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** As the holder of {@code tokenFile} (none when null), against the test's control plane. */
  private int otaflow(Path tokenFile, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", server));
    if (tokenFile != null) {
      all.addAll(List.of("--token-file", tokenFile.toString()));
    }
    return run(all.toArray(String[]::new));
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Otaflow.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  private static String line(String text) {
    return text + System.lineSeparator();
  }
}
