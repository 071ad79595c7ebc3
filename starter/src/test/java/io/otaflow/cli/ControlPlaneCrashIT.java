package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.rollout.RolloutProgress;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The separate-process story: Temporal's test server, the control plane ({@code otaflow server}) and three robot
 * agents, each in its own JVM. A second rollout on robots a running one holds is refused with 409; the control plane
 * is killed ({@code kill -9}) the moment the registry shows the canary committed, and after its restart the registry
 * still holds every step of that robot, and the rollout ends as Temporal says.
 */
class ControlPlaneCrashIT {

  private static final List<String> ROBOTS = List.of("r1", "r2", "r3");
  /** A canary, then everyone after a person's approval: the rollout waits there while the test looks. */
  private static final String PLAN = "{\"stages\": [{\"name\": \"canary\", \"count\": 1, \"bakeTime\": \"0s\", \"minHealthy\": 1.0},"
      + " {\"name\": \"all\", \"percent\": 100, \"bakeTime\": \"0s\", \"minHealthy\": 1.0, \"approval\": true}],"
      + " \"maxParallel\": 3, \"robotTimeout\": \"2m\", \"healthChecks\": 1, \"healthSoak\": \"0s\"}";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private ArtifactServer artifacts;
  private String temporal;
  private int httpPort;
  private Process controlPlane;

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
    if (artifacts != null) {
      artifacts.close();
    }
  }

  @Test
  void registryKeepsEveryRobotStepThroughAKilledControlPlaneAndLeasesRefuseASecondRollout() throws Exception {
    int temporalPort = LocalPorts.free();
    temporal = "127.0.0.1:" + temporalPort;
    processes.add(TestProcesses.temporalTestServer(dir, temporalPort));
    httpPort = LocalPorts.free();
    controlPlane = startControlPlane("control-plane-1");
    ControlPlaneClient api = new ControlPlaneClient(URI.create("http://127.0.0.1:" + httpPort),
        TestProcesses.adminToken(dir.resolve("control")));

    artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")));
    BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
    BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-1.0.0.tar.gz"), "1.0.0");
    for (String robot : ROBOTS) {
      Path robotDir = dir.resolve("robots").resolve(robot);
      RobotDisk.seed(robotDir, factory.path(), "0.9.0");
      RobotSensors.healthy().write(robotDir);
      processes.add(TestProcesses.agent(dir, "agent-" + robot, robot, temporal, robotDir));
    }
    api.post("/api/v1/releases", next.toRelease("1.0.0", artifacts.url("otaflow-1.0.0.tar.gz"), "next"));

    api.post("/api/v1/rollouts", rollout("first", "{}"));
    var refused = catchThrowableOfType(() -> api.post("/api/v1/rollouts", rollout("second", "{\"robotIds\": [\"r2\"]}")),
        ControlPlaneClient.ControlPlaneException.class);
    assertThat(refused).hasMessage("target: 1 of its 1 robots belong to another rollout (1 in running rollout"
        + " first); a robot belongs to one running rollout at a time: wait for it to end or abort it");

    String canary = awaitCommittedRobot(api, "first");
    controlPlane.destroyForcibly();
    assertThat(controlPlane.waitFor(30, TimeUnit.SECONDS)).isTrue();

    controlPlane = startControlPlane("control-plane-2");
    assertThat(robotStates(api, "first", canary)).as("the canary's steps, read after the restart")
        .containsSubsequence("DOWNLOADING", "HEALTH_CHECKING", "COMMITTED");
    TestProcesses.waitFor("the rollout to wait for approval", Duration.ofSeconds(90),
        () -> api.progress("first").status() == RolloutStatus.WAITING_APPROVAL);
    api.post("/api/v1/rollouts/first/approve", Map.of("reason", "canary fine"));
    RolloutProgress result = new RolloutWatcher(api::progress, null).await("first", Duration.ofMinutes(3));

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    JsonNode rollout = api.get("/api/v1/rollouts/first").body();
    assertThat(rollout.get("status").asText()).isEqualTo("SUCCEEDED");
    for (String robot : ROBOTS) {
      assertThat(robotStates(api, "first", robot)).as(robot).endsWith("COMMITTED");
      assertThat(api.get("/api/v1/robots/" + robot).body().get("robot").get("installedVersion").asText()).isEqualTo("1.0.0");
    }
    assertThat(api.post("/api/v1/rollouts", rollout("second", "{\"robotIds\": [\"r2\"]}")).status())
        .as("the ended rollout gave its robots back").isEqualTo(201);
  }

  private Process startControlPlane(String name) throws Exception {
    Process process = TestProcesses.controlPlane(dir, name, temporal, dir.resolve("control"), httpPort);
    processes.add(process);
    return process;
  }

  /** Polls the audit trail for the first robot to commit, as fast as the API answers, and returns it. */
  private static String awaitCommittedRobot(ControlPlaneClient api, String rolloutId) throws Exception {
    String[] committed = new String[1];
    TestProcesses.waitFor("a robot of " + rolloutId + " to commit", Duration.ofSeconds(90), () -> {
      for (JsonNode event : events(api, rolloutId)) {
        if ("COMMITTED".equals(event.path("status").asText()) && event.hasNonNull("robotId")) {
          committed[0] = event.get("robotId").asText();
          return true;
        }
      }
      return false;
    });
    return committed[0];
  }

  /** The rollout's timeline, which these rollouts keep under one page. */
  private static JsonNode events(ControlPlaneClient api, String rolloutId) {
    return api.get("/api/v1/rollouts/" + rolloutId + "/events?limit=1000").body().get("items");
  }

  private static List<String> robotStates(ControlPlaneClient api, String rolloutId, String robotId) {
    List<String> states = new ArrayList<>();
    for (JsonNode event : events(api, rolloutId)) {
      if (robotId.equals(event.path("robotId").asText())) {
        states.add(event.get("status").asText());
      }
    }
    return states;
  }

  private static Map<String, Object> rollout(String id, String target) throws IOException {
    return Map.of("rolloutId", id, "releaseVersion", "1.0.0",
        "plan", io.otaflow.wire.WireJson.mapper().readTree(PLAN),
        "target", io.otaflow.wire.WireJson.mapper().readTree(target));
  }

}
