package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.agent.AgentConfig;
import io.otaflow.agent.RobotAgent;
import io.otaflow.controlplane.RegistryReconciler;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.devstack.SimulatedFleet;
import io.otaflow.devstack.SimulatedSensors;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RobotLeases;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRecord;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.release.Release;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.signing.ManifestSigner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A release manager's whole path through the CLI against a running control plane (REST on a free port) and one robot
 * agent, all connected by address: keys generate, release sign, release publish --manifest, rollout start --watch;
 * then releases the control plane signs itself (--signing-key) with increasing release numbers, which the robot
 * accepts because it trusts that key too. Then what a release manager reads after a rollout failed: each robot's
 * outcome and reason.
 */
class RolloutCommandsEndToEndTest {

  private static final String PLAN = """
      stages:
        - name: canary
          count: 1
          bakeTime: PT0S
          minHealthy: 1.0
      maxParallel: 1
      robotTimeout: PT30S
      healthChecks: 1
      healthSoak: PT0.2S
      """;

  @TempDir
  Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  @Test
  void publishSignedReleaseAndRollItOutThroughTheCli() throws Exception {
    Logging.toFile(dir.resolve("otaflow.log"));
    Path keys = dir.resolve("trusted-keys");
    assertThat(otaflow("keys", "generate", "--out", keys.toString(), "--name", "release")).as(err.toString()).isZero();
    assertThat(otaflow("keys", "generate", "--out", keys.toString(), "--name", "server")).as(err.toString()).isZero();

    try (EmbeddedTemporal temporal = EmbeddedTemporal.start();
         ConfigurableApplicationContext controlPlane = TestControlPlane.startWithApi(temporal.target(), dir,
             Map.of("otaflow.signing.key-file", keys.resolve("server.key").toString()));
         ArtifactServer artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")))) {
      String server = TestControlPlane.apiUrl(controlPlane);
      BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
      Path robotDir = dir.resolve("robots").resolve("r1");
      RobotDisk.seed(robotDir, factory.path(), "0.9.0");
      RobotSensors.healthy().write(robotDir);
      Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);

      try (RobotAgent agent = RobotAgent.start(AgentConfig.parse("""
          robotId: r1
          labels: {site: lyon}
          dataDir: %s
          temporal: {address: "%s"}
          trustedKeysDir: %s
          """.formatted(robotDir, temporal.target(), keys)), Duration.ofSeconds(30))) {
        assertThat(otaflow("robots", "--server", server)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("r1").contains("0.9.0").contains("site=lyon");

        // A manifest signed offline, attached at publish.
        BuiltArtifact first = release(artifacts, "1.0.0");
        Path manifest = dir.resolve("manifest-1.0.0.json");
        assertThat(otaflow("release", "sign", "--key", keys.resolve("release.key").toString(), "--version", "1.0.0",
            "--artifact", first.path().toString(), "--release-number", "5", "--out", manifest.toString()))
            .as(err.toString()).isZero();
        assertThat(otaflow("release", "publish", "--server", server, "--manifest", manifest.toString(),
            "--artifact-url", artifacts.url(first.path().getFileName().toString()))).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Registered release 1.0.0 (release number 5, signed by key "
            + keyId(keys.resolve("release.pub")) + ")");

        assertThat(otaflow("rollout", "start", "--server", server, "--id", "cli-1", "--release", "1.0.0",
            "--plan", plan.toString(), "--all", "--watch")).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("rollout cli-1 (release 1.0.0): SUCCEEDED");
        assertThat(new RobotDisk(robotDir).readState())
            .extracting(RobotDiskState::installedVersion, RobotDiskState::releaseNumber)
            .containsExactly("1.0.0", 5L);

        // Releases published without a manifest: the control plane signs them, numbering on from 5.
        BuiltArtifact second = release(artifacts, "2.0.0");
        assertThat(publishUnsigned(server, artifacts, second, "2.0.0")).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Registered release 2.0.0 (release number 6, signed by key "
            + keyId(keys.resolve("server.pub")) + ")");
        assertThat(publishUnsigned(server, artifacts, release(artifacts, "2.1.0"), "2.1.0")).isZero();
        assertThat(out.toString()).startsWith("Registered release 2.1.0 (release number 7,");

        assertThat(otaflow("rollout", "start", "--server", server, "--id", "cli-2", "--release", "2.0.0",
            "--plan", plan.toString(), "--robot", "r1", "--watch")).as(out + "\n" + err).isZero();
        assertThat(new RobotDisk(robotDir).readState())
            .extracting(RobotDiskState::installedVersion, RobotDiskState::releaseNumber)
            .containsExactly("2.0.0", 6L);
        assertThat(controlPlane.getBean(RobotRepository.class).robot("r1").orElseThrow().installedVersion())
            .isEqualTo("2.0.0");

        // Rows the registry lost (before commits were durable, a kill -9 lost the last ones) are put right from the
        // workflows' own results.
        RolloutRobotRepository rows = controlPlane.getBean(RolloutRobotRepository.class);
        rows.recordRobotState("cli-2", "r1", RobotUpdateState.DOWNLOADING, null, null);
        controlPlane.getBean(RolloutRepository.class).recordRolloutStatus("cli-2", RolloutStatus.RUNNING, null, null);
        controlPlane.getBean(RegistryReconciler.class).reconcile();
        assertThat(rows.robots("cli-2", List.of(), null, 10)).extracting(RolloutRobotRecord::state)
            .containsExactly(RobotUpdateState.COMMITTED);
        assertThat(controlPlane.getBean(RolloutRepository.class).rollout("cli-2").orElseThrow().status())
            .isEqualTo(RolloutStatus.SUCCEEDED);

        // Server errors come back as the server's message, with a non-zero exit code.
        assertThat(otaflow("rollout", "start", "--server", server, "--id", "cli-2", "--release", "2.0.0",
            "--plan", plan.toString(), "--all")).isEqualTo(ExitCodes.REFUSED);
        assertThat(err.toString()).isEqualTo("otaflow: rollout cli-2 already exists" + System.lineSeparator());
        assertThat(otaflow("rollout", "pause", "cli-2", "--server", server, "--reason", "x"))
            .isEqualTo(ExitCodes.REFUSED);
        assertThat(err.toString()).contains("otaflow: cannot pause: rollout already ended SUCCEEDED");
        assertThat(otaflow("rollout", "status", "cli-1", "--server", server)).isZero();
        assertThat(out.toString()).contains("rollout cli-1 (release 1.0.0): SUCCEEDED");
      }
    }
  }

  /**
   * A robot that runs hot fails its health gate and switches itself back; the rollout says only that its stage missed
   * the threshold, while rollout robots and rollout status show the robot's own reason.
   */
  @Test
  void rolloutRobotsAndStatusShowWhyARobotFailed() throws Exception {
    Logging.toFile(dir.resolve("otaflow.log"));
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start();
         ConfigurableApplicationContext controlPlane = TestControlPlane.startWithApi(temporal.target(), dir, Map.of());
         ArtifactServer artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")))) {
      String server = TestControlPlane.apiUrl(controlPlane);
      Path robotDir = dir.resolve("robots").resolve("r1");
      RobotDisk.seed(robotDir, release(artifacts, "0.9.0").path(), "0.9.0");
      // Hot while it runs 1.0.0: back on 0.9.0, its probes pass again and its rollback is confirmed.
      String switchSensors = SimulatedSensors.install(robotDir, RobotSensors.healthy());
      SimulatedSensors.whileRunning(robotDir, "1.0.0", SimulatedFleet.OVERHEATED);
      Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
      String metricsBefore = TestControlPlane.scrapeMetrics(controlPlane);

      try (RobotAgent agent = RobotAgent.start(AgentConfig.parse("""
          robotId: r1
          dataDir: %s
          temporal: {address: "%s"}
          hooks: {afterSwitch: ["%s"]}
          """.formatted(robotDir, temporal.target(), switchSensors)), Duration.ofSeconds(30))) {
        assertThat(publishUnsigned(server, artifacts, release(artifacts, "1.0.0"), "1.0.0")).as(err.toString())
            .isZero();
        assertThat(otaflow("rollout", "start", "--server", server, "--id", "hot", "--release", "1.0.0",
            "--plan", plan.toString(), "--all", "--watch")).as(out + "\n" + err)
            .isEqualTo(ExitCodes.ROLLOUT_NOT_SUCCEEDED);
      }
      String reason = controlPlane.getBean(RolloutRobotRepository.class).robots("hot", List.of(), null, 1).get(0)
          .reason();
      assertThat(reason).startsWith("health: temperature 93.0C");
      // What the control plane's metrics say about it: only the workflows knew the probe and the cause. Temporal's
      // metrics scope reports counters on an interval: the scrape is retried until they show, or the deadline passes.
      assertThat(metricsBefore).doesNotContain("otaflow_health_gate_failures_total")
          .doesNotContain("otaflow_robot_rollbacks_total").doesNotContain("otaflow_stage_duration_seconds");
      List<String> counted = List.of(
          "(?m)^otaflow_health_gate_failures_total\\{[^}]*probe=\"temperature\"[^}]*} 1\\.0$",
          "(?m)^otaflow_robot_rollbacks_total\\{[^}]*cause=\"health-gate\"[^}]*} 1\\.0$",
          // At least once: the workflow task that ends the stage also completes the rollout here, and the server
          // refuses that completion when the robot's workflow ends meanwhile; the task runs again, and counts again.
          "(?m)^otaflow_stage_duration_seconds_count\\{[^}]*result=\"failed\"[^}]*} [12]$",
          "(?m)^otaflow_robot_updates_finished_total\\{outcome=\"ROLLED_BACK\",stage=\"1\"} 1\\.0$");
      String metrics = TestControlPlane.awaitMetrics(controlPlane, counted);
      assertThat(metrics).containsPattern(counted.get(0)).containsPattern(counted.get(1))
          .containsPattern(counted.get(2)).containsPattern(counted.get(3))
          .as("a stage's buckets span minutes to a day")
          .containsPattern("(?m)^otaflow_stage_duration_seconds_bucket\\{[^}]*le=\"3600.0\"} ")
          .doesNotContainPattern("(?m)^otaflow_stage_duration_seconds_bucket\\{[^}]*le=\"0.001\"} ");
      assertThat(out.toString()).contains("rollout hot (release 1.0.0): ROLLED_BACK")
          .contains("reason: stage 'canary' missed its threshold: 0/1 robots healthy")
          .contains("1 ROLLED_BACK      " + reason);

      assertThat(otaflow("rollout", "robots", "hot", "--server", server)).as(err.toString()).isZero();
      assertThat(out.toString()).isEqualTo(lines(
          "ROBOT            STAGE      STATE            REASON",
          "r1               canary     ROLLED_BACK      " + reason));
      assertThat(otaflow("rollout", "robots", "hot", "--server", server, "--state", "committed")).isZero();
      assertThat(out.toString()).isEqualTo(lines("Rollout hot has no robots in [committed]."));
      assertThat(otaflow("rollout", "robots", "hot", "--server", server, "--json")).isZero();
      JsonNode robots = ControlPlaneClient.JSON.readTree(out.toString());
      assertThat(robots.get("robots").get(0).get("reason").asText()).isEqualTo(reason);
      assertThat(robots.get("next").isNull()).isTrue();

      assertThat(otaflow("rollout", "status", "hot", "--server", server, "--json")).isZero();
      JsonNode status = ControlPlaneClient.JSON.readTree(out.toString());
      assertThat(status.get("status").asText()).isEqualTo("ROLLED_BACK");
      assertThat(status.get("robotCounts").get("ROLLED_BACK").asInt()).isEqualTo(1);
      assertThat(status.get("failureReasons").get(0)).isEqualTo(ControlPlaneClient.JSON.readTree(
          "{\"state\": \"ROLLED_BACK\", \"reason\": " + ControlPlaneClient.JSON.writeValueAsString(reason)
              + ", \"robots\": 1}"));

      assertThat(otaflow("rollout", "robots", "nope", "--server", server)).isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(err.toString()).isEqualTo(lines("otaflow: rollout nope does not exist"));
      assertThat(otaflow("rollout", "robots", "hot", "--server", server, "--state", "hot"))
          .isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(err.toString()).startsWith("otaflow: state: 'hot' is not a robot state; valid: PENDING, ")
          .hasLineCount(1);
    }
  }

  /** More robots than one page of the REST API holds: rollout robots pages through them, up to --limit. */
  @Test
  void rolloutRobotsPagesThroughEveryRobot() throws Exception {
    try (ControlPlaneAlone stack = ControlPlaneAlone.start(dir)) {
      ConfigurableApplicationContext controlPlane = stack.controlPlane();
      String server = TestControlPlane.apiUrl(controlPlane);
      Release release = controlPlane.getBean(RolloutService.class).registerRelease(unreachableRelease());
      RolloutPlan plan = oneStagePlan();
      // Stored as a rollout stores its stages; no workflow runs, so they stay PENDING.
      controlPlane.getBean(RolloutRepository.class).createRollout(
          new RolloutRequest("big", release, plan, TargetSelector.wholeFleet(), null), Set.of());
      List<String> robotIds = IntStream.range(0, 1_005).mapToObj(i -> String.format("r%04d", i)).toList();
      controlPlane.getBean(RolloutRobotRepository.class).storeStages("big", List.of(robotIds));

      assertThat(otaflow("rollout", "robots", "big", "--server", server, "--state", "PENDING")).as(err.toString())
          .isZero();
      List<String> rows = out.toString().lines().skip(1).toList();
      assertThat(rows).hasSize(1_005);
      assertThat(rows).extracting(row -> row.split(" +")[0]).containsExactlyElementsOf(robotIds);

      assertThat(otaflow("rollout", "robots", "big", "--server", server, "--limit", "1002")).isZero();
      assertThat(out.toString().lines()).hasSize(1 + 1_002 + 1).last().isEqualTo("(1002 shown; more after r1001)");

      assertThat(otaflow("rollout", "robots", "big", "--server", server, "--limit", "3", "--json")).isZero();
      JsonNode page = ControlPlaneClient.JSON.readTree(out.toString());
      assertThat(page.get("robots").findValuesAsText("robotId")).containsExactly("r0000", "r0001", "r0002");
      assertThat(page.get("next").asText()).isEqualTo("r0002");
    }
  }

  @Test
  void theKillSwitchKeepsRolloutsFromStartingUntilItIsTurnedOff() throws Exception {
    try (ControlPlaneAlone stack = ControlPlaneAlone.start(dir)) {
      ConfigurableApplicationContext controlPlane = stack.controlPlane();
      String server = TestControlPlane.apiUrl(controlPlane);
      controlPlane.getBean(RobotRepository.class).registerRobot("r1", Map.of(), "0.9.0", null);
      controlPlane.getBean(RolloutService.class).registerRelease(unreachableRelease());
      Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
      String since = "since \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z";

      assertThat(otaflow("killswitch", "status", "--server", server)).as(err.toString()).isZero();
      assertThat(out.toString()).isEqualTo(lines("Kill switch is off (never switched on)"));
      assertThat(otaflow("killswitch", "on", "--server", server)).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(err.toString()).isEqualTo(lines("otaflow: Missing required option: '--reason=TEXT' (otaflow killswitch"
          + " on --help)"));
      assertThat(otaflow("killswitch", "on", "--server", server, "--reason",
          "bad batch of motors")).as(err.toString()).isZero();
      assertThat(out.toString()).matches("Kill switch is on " + since + " \\(admin: bad batch of motors\\): unfinished"
          + " rollouts pause, and none starts, resumes or has a stage approved until it is off\\R");

      assertThat(otaflow("rollout", "start", "--server", server, "--id", "stopped", "--release", "1.0.0",
          "--plan", plan.toString(), "--all")).isEqualTo(ExitCodes.REFUSED);
      assertThat(err.toString()).matches("otaflow: kill switch is on " + since + " \\(admin: bad batch of motors\\):"
          + " no rollout may start; turn it off first\\R");
      assertThat(otaflow("killswitch", "status", "--server", server, "--json")).isZero();
      JsonNode state = ControlPlaneClient.JSON.readTree(out.toString());
      assertThat(state.get("on").asBoolean()).isTrue();
      assertThat(state.get("operator").asText()).isEqualTo("admin");

      assertThat(otaflow("killswitch", "off", "--server", server)).as(err.toString()).isZero();
      assertThat(out.toString()).matches("Kill switch is off " + since + " \\(admin\\): rollouts may start; paused"
          + " ones stay paused until a person resumes them \\(otaflow rollout resume ID\\)\\R");
      assertThat(otaflow("rollout", "start", "--server", server, "--id", "started", "--release", "1.0.0",
          "--plan", plan.toString(), "--all")).as(err.toString()).isZero();
    }
  }

  /**
   * A rollout that has ended with r1 still on its release is rolled back; one still running is refused. No agent:
   * what the ended rollout did is written into the registry as its workflow would have.
   */
  @Test
  void rollbackIsOrderedForARolloutThatEndedAndRefusedForOneStillRunning() throws Exception {
    try (ControlPlaneAlone stack = ControlPlaneAlone.start(dir)) {
      ConfigurableApplicationContext controlPlane = stack.controlPlane();
      String server = TestControlPlane.apiUrl(controlPlane);
      RobotRepository robots = controlPlane.getBean(RobotRepository.class);
      robots.registerRobot("r1", Map.of(), "0.9.0", null);
      robots.registerRobot("r2", Map.of(), "0.9.0", null);
      Release release = controlPlane.getBean(RolloutService.class).registerRelease(unreachableRelease());
      RolloutRepository rollouts = controlPlane.getBean(RolloutRepository.class);
      rollouts.createRollout(new RolloutRequest("ended", release, oneStagePlan(), TargetSelector.wholeFleet(), null),
          Set.of());
      RolloutRobotRepository rows = controlPlane.getBean(RolloutRobotRepository.class);
      rows.storeStages("ended", List.of(List.of("r1")));
      rows.recordRobotState("ended", "r1", RobotUpdateState.COMMITTED, null, "1.0.0");
      rollouts.recordRolloutStatus("ended", RolloutStatus.SUCCEEDED, "all", null);
      Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);
      assertThat(otaflow("rollout", "start", "--server", server, "--id", "running", "--release", "1.0.0",
          "--plan", plan.toString(), "--robot", "r2")).as(err.toString()).isZero();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (rollouts.rollout("running").orElseThrow().status() != RolloutStatus.RUNNING) {
        assertThat(System.nanoTime()).as("rollout running never RUNNING").isLessThan(deadline);
        Thread.sleep(50);
      }

      assertThat(otaflow("rollout", "rollback", "running", "--server", server, "--reason",
          "motors")).isEqualTo(ExitCodes.REFUSED);
      assertThat(err.toString()).isEqualTo(lines("otaflow: cannot roll back: rollout running is RUNNING; abort it"
          + " instead (abort rolls back)"));
      assertThat(otaflow("rollout", "rollback", "ended", "--server", server)).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(err.toString()).startsWith("otaflow: Missing required option: '--reason=TEXT'");

      assertThat(otaflow("rollout", "rollback", "ended", "--server", server, "--reason",
          "motors")).as(err.toString()).isZero();
      assertThat(out.toString()).isEqualTo(lines("Rolling back rollout ended (release 1.0.0): 1 robots to switch"
          + " back; follow it with otaflow rollout status ended --watch"));
      assertThat(controlPlane.getBean(RobotLeases.class).leasedRobots("ended")).containsExactly("r1");
    }
  }

  @Test
  void unreachableControlPlaneIsNamed() throws Exception {
    String server = "http://127.0.0.1:" + LocalPorts.free();

    assertThat(otaflow("rollout", "status", "any", "--server", server)).isEqualTo(ExitCodes.ERROR);

    assertThat(err.toString()).contains("otaflow: cannot reach the otaflow control plane at " + server
        + ": is `otaflow server` running?");
  }

  /** Temporal's test server and the control plane with its REST API, logging to the test's directory; no agent. */
  private record ControlPlaneAlone(EmbeddedTemporal temporal, ConfigurableApplicationContext controlPlane)
      implements AutoCloseable {

    static ControlPlaneAlone start(Path dir) {
      Logging.toFile(dir.resolve("otaflow.log"));
      EmbeddedTemporal temporal = EmbeddedTemporal.start();
      return new ControlPlaneAlone(temporal, TestControlPlane.startWithApi(temporal.target(), dir, Map.of()));
    }

    @Override
    public void close() {
      controlPlane.close();
      temporal.close();
    }
  }

  /** A release whose artifact no robot could download: for rollouts whose robots run no agent. */
  private static Release unreachableRelease() {
    return new Release("1.0.0", "http://127.0.0.1:1/robot.tar.gz", "c".repeat(64), 4096, "test", null);
  }

  private static RolloutPlan oneStagePlan() {
    return new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 1.0)), 1, Duration.ofSeconds(30), 1,
        Duration.ZERO);
  }

  private int publishUnsigned(String server, ArtifactServer artifacts, BuiltArtifact artifact, String version) {
    return otaflow("release", "publish", "--server", server, "--version", version, "--artifact",
        artifact.path().toString(), "--artifact-url", artifacts.url(artifact.path().getFileName().toString()));
  }

  private static BuiltArtifact release(ArtifactServer artifacts, String version) {
    return ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-" + version + ".tar.gz"), version);
  }

  private static String keyId(Path publicKey) {
    return ManifestSigner.keyId(ManifestSigner.readPublicKey(publicKey));
  }

  private static String lines(String... lines) {
    return Arrays.stream(lines).map(line -> line + System.lineSeparator()).collect(Collectors.joining());
  }

  /** Runs the CLI in-process; commands given a --server act as the admin whose token the control plane wrote. */
  private int otaflow(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of(args));
    Path adminToken = dir.resolve("control").resolve("admin-token");
    if (all.contains("--server") && Files.exists(adminToken)) {
      all.addAll(List.of("--token-file", adminToken.toString()));
    }
    return Otaflow.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(all.toArray(String[]::new));
  }
}
