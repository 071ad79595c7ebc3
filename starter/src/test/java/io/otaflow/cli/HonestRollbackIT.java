package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.OtaflowSearchAttributes;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.wire.WireJson;
import io.temporal.client.WorkflowClient;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * An abort with rollback across real processes (Temporal's test server, {@code otaflow server}, two agents): the
 * robot that had a release before is switched back with its hooks run around the switch and its probes passed, and is
 * ROLLED_BACK; the robot that had none cannot be, says so, stays on the new release, and the rollout ends FAILED
 * naming how many robots could not be rolled back, never ROLLED_BACK.
 */
class HonestRollbackIT {

  /** Both robots in the canary, then a stage that waits for a person: the test aborts there. */
  private static final String PLAN = "{\"stages\": [{\"name\": \"canary\", \"count\": 2, \"bakeTime\": \"0s\","
      + " \"minHealthy\": 1.0}, {\"name\": \"all\", \"percent\": 100, \"bakeTime\": \"0s\", \"minHealthy\": 1.0,"
      + " \"approval\": true}], \"maxParallel\": 2, \"robotTimeout\": \"2m\", \"healthChecks\": 1,"
      + " \"healthSoak\": \"0s\"}";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private ArtifactServer artifacts;
  private String temporal;

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
    if (artifacts != null) {
      artifacts.close();
    }
  }

  @Test
  void abortRollsBackOnlyWhatCanBeAndTheRolloutSaysHowManyCouldNot() throws Exception {
    int temporalPort = LocalPorts.free();
    temporal = "127.0.0.1:" + temporalPort;
    processes.add(TestProcesses.temporalTestServer(dir, temporalPort));
    int httpPort = LocalPorts.free();
    processes.add(TestProcesses.controlPlane(dir, "control-plane", temporal, dir.resolve("control"), httpPort));
    ControlPlaneClient api = new ControlPlaneClient(URI.create("http://127.0.0.1:" + httpPort),
        TestProcesses.adminToken(dir.resolve("control")));

    artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")));
    BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
    BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-7.5.0.tar.gz"), "7.5.0");
    Path seeded = dir.resolve("robots").resolve("seeded");
    RobotDisk.seed(seeded, factory.path(), "0.9.0");
    Path fresh = dir.resolve("robots").resolve("fresh");
    new RobotDisk(fresh);
    Path hookLog = dir.resolve("seeded-hooks.log");
    String record = "echo \\\"$0 $(cat " + seeded.resolve("current/VERSION") + ")\\\" >> " + hookLog;
    Path config = Files.writeString(dir.resolve("seeded.yaml"), String.join("\n",
        "hooks:",
        "  beforeSwitch: [\"sh -c '" + record + "' stop\"]",
        "  afterSwitch: [\"sh -c '" + record + "' start\"]",
        ""));
    startAgent("seeded", seeded, "--config", config.toString());
    startAgent("fresh", fresh);
    api.post("/api/v1/releases", next.toRelease("7.5.0", artifacts.url("otaflow-7.5.0.tar.gz"), "next"));

    api.post("/api/v1/rollouts", Map.of("rolloutId", "honest", "releaseVersion", "7.5.0",
        "plan", WireJson.mapper().readTree(PLAN), "target", Map.of()));
    TestProcesses.waitFor("the canary to commit and the rollout to wait for approval", Duration.ofSeconds(120),
        () -> api.progress("honest").status() == RolloutStatus.WAITING_APPROVAL);
    Files.delete(hookLog);
    api.post("/api/v1/rollouts/honest/abort", Map.of("reason", "wrong release"));
    RolloutProgress result = new RolloutWatcher(api::progress, null).await("honest", Duration.ofMinutes(3));

    assertThat(result.status()).isEqualTo(RolloutStatus.FAILED);
    assertThat(result.reason()).isEqualTo("aborted by admin: wrong release; 1 robots could not be rolled back");
    Map<String, JsonNode> robots = new HashMap<>();
    api.get("/api/v1/rollouts/honest/robots").body().get("robots")
        .forEach(robot -> robots.put(robot.get("robotId").asText(), robot));
    assertThat(robots.get("seeded").get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(robots.get("fresh").get("state").asText()).isEqualTo("ROLLBACK_FAILED");
    assertThat(robots.get("fresh").get("reason").asText())
        .endsWith("rollback: no previous release on this robot, still running 7.5.0");
    assertThat(Files.readAllLines(hookLog)).as("hooks around the switch back")
        .containsExactly("stop 7.5.0", "start 0.9.0");
    assertThat(new RobotDisk(seeded).readState().installedVersion()).isEqualTo("0.9.0");
    assertThat(new RobotDisk(fresh).readState().installedVersion()).isEqualTo("7.5.0");

    // What the Temporal Web UI finds, from another process: the search attributes (which otaflow server registered on
    // this test server at start) say the same.
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(service);
      SearchAttributes rollout = client.newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId("honest")).describe()
          .getTypedSearchAttributes();
      assertThat(rollout.get(OtaflowSearchAttributes.RELEASE)).isEqualTo("7.5.0");
      assertThat(rollout.get(OtaflowSearchAttributes.STATUS)).isEqualTo("FAILED");
      assertThat(client.newUntypedWorkflowStub(OtaflowNames.robotRollbackWorkflowId("honest", "fresh")).describe()
          .getTypedSearchAttributes().get(OtaflowSearchAttributes.STATUS)).isEqualTo("ROLLBACK_FAILED");
    } finally {
      service.shutdownNow();
    }

    // What a release manager's terminal shows: the CLI in a process of its own, its server and token from the
    // environment, never from a flag.
    Map<String, String> asAdmin = Map.of("OTAFLOW_SERVER", "http://127.0.0.1:" + httpPort,
        "OTAFLOW_TOKEN", TestProcesses.adminToken(dir.resolve("control")));
    assertThat(cli("audit", asAdmin, "audit", "--rollout", "honest")).isEqualTo(ExitCodes.OK);
    assertThat(Files.readString(dir.resolve("audit.log"))).contains("admin").contains("rollout.abort")
        .contains("wrong release").contains("accepted");
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(home.resolve(".config/otaflow"));
    Files.writeString(home.resolve(".config/otaflow/config.yaml"), "server: http://127.0.0.1:" + httpPort
        + "\ntoken-file: " + dir.resolve("control/admin-token") + "\n");
    assertThat(cli("configured", Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", ""), "rollout", "list", "--status", "FAILED"))
        .as("server and token file from ~/.config/otaflow/config.yaml").isEqualTo(ExitCodes.OK);
    assertThat(Files.readString(dir.resolve("configured.log"))).contains("honest").contains("FAILED");
    Map<String, String> forged = new HashMap<>(asAdmin);
    forged.put("OTAFLOW_TOKEN", "otaflow_AAAAAAAAAAAAAAAA_" + "x".repeat(43));
    assertThat(cli("forged", forged, "rollout", "list")).isEqualTo(ExitCodes.NOT_ALLOWED);
    assertThat(Files.readString(dir.resolve("forged.log"))).contains("otaflow: invalid bearer token: unknown API token");
  }

  /** {@code otaflow ARGS} in a JVM of its own with {@code environment}; its output in {@code <dir>/<name>.log}. */
  private int cli(String name, Map<String, String> environment, String... args) throws Exception {
    Process cli = TestProcesses.java(dir, name, environment, Otaflow.class.getName(), args);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("otaflow %s ended", String.join(" ", args)).isTrue();
    return cli.exitValue();
  }

  private void startAgent(String robot, Path robotDir, String... moreArgs) throws Exception {
    RobotSensors.healthy().write(robotDir);
    processes.add(TestProcesses.agent(dir, "agent-" + robot, robot, temporal, robotDir, moreArgs));
  }

}
