package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.agent.AgentConfig;
import io.otaflow.agent.RobotAgent;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RobotRecord;
import io.otaflow.registry.RobotRepository;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.rollout.RolloutProgress;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The three processes of a one-machine setup, in one JVM but connected only by address: Temporal's test server, the
 * control plane, and a robot agent started by the same code as {@code otaflow agent}.
 */
class AgentEndToEndTest {

  @TempDir
  Path dataDir;

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  @Test
  void agentRegistersItsRobotAndServesARollout() throws Exception {
    Logging.toFile(dataDir.resolve("otaflow.log"));
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start();
         ConfigurableApplicationContext controlPlane = TestControlPlane.startWithApi(temporal.target(), dataDir,
             Map.of());
         ArtifactServer artifacts = ArtifactServer.start(Files.createDirectories(dataDir.resolve("artifacts")))) {
      BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
      BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-1.0.0.tar.gz"), "1.0.0");
      RolloutService rollouts = controlPlane.getBean(RolloutService.class);
      rollouts.registerRelease(next.toRelease("1.0.0", artifacts.url(next.path().getFileName().toString()), "next"));
      Path robotDir = dataDir.resolve("robots").resolve("r1");
      RobotDisk.seed(robotDir, factory.path(), "0.9.0");
      RobotSensors.healthy().write(robotDir);

      try (RobotAgent agent = RobotAgent.start(AgentConfig.defaults().withOverrides("r1", temporal.target(),
          "default", robotDir.toString(), Map.of("site", "lyon", "model", "mk2"))
          .withMetrics(new AgentConfig.Metrics(null, 0)), Duration.ofSeconds(30))) {
        String before = robotMetrics(agent);
        String controlPlaneBefore = TestControlPlane.scrapeMetrics(controlPlane);
        RobotRecord robot = controlPlane.getBean(RobotRepository.class).robot("r1").orElseThrow();
        assertThat(robot.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("site", "lyon", "model", "mk2"));
        assertThat(robot.installedVersion()).isEqualTo("0.9.0");
        assertThat(robot.agentVersion()).isEqualTo(RobotAgent.AGENT_VERSION);

        RolloutPlan plan = new RolloutPlan(List.of(StagePlan.canary("canary", 1, Duration.ZERO, 1.0)),
            1, Duration.ofSeconds(30), 1, Duration.ofMillis(200));
        rollouts.startRollout("agent-1", "1.0.0", plan, TargetSelector.wholeFleet(), "test");
        RolloutProgress result = new RolloutWatcher(rollouts::progress, null).await("agent-1", Duration.ofMinutes(2));

        assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
        assertThat(new RobotDisk(robotDir).readState().installedVersion()).isEqualTo("1.0.0");
        assertThat(controlPlane.getBean(RobotRepository.class).robot("r1").orElseThrow().installedVersion())
            .isEqualTo("1.0.0");

        // The robot's own metrics, as a Prometheus on the robot scrapes them: they moved with the update.
        String after = robotMetrics(agent);
        assertThat(before).containsPattern("(?m)^otaflow_agent_up 1(\\.0)?$")
            .containsPattern("(?m)^otaflow_agent_build_info\\{version=\"0\\.1\\.0\"} 1(\\.0)?$")
            .containsPattern("(?m)^otaflow_agent_download_bytes_total 0(\\.0)?$");
        assertThat(after)
            .containsPattern("(?m)^otaflow_agent_download_bytes_total " + next.sizeBytes() + "(\\.0)?$")
            .containsPattern("(?m)^otaflow_agent_apply_duration_seconds_count\\{outcome=\"switched\"} 1$")
            .containsPattern("(?m)^otaflow_agent_health_checks_total\\{outcome=\"healthy\"} [1-9]")
            .containsPattern("(?m)^otaflow_agent_probe_value\\{probe=\"batteryPercent\"} "
                + (int) RobotSensors.healthy().batteryPercent() + "(\\.0)?$")
            .containsPattern("(?m)^otaflow_agent_update_step\\{step=\"Download\"} 0(\\.0)?$");
        // And the control plane's, as the central Prometheus scrapes them: the same update, seen from there.
        List<String> counted = List.of(
            "(?m)^otaflow_rollouts_ended_total\\{status=\"SUCCEEDED\"} 1\\.0$",
            "(?m)^otaflow_robot_updates_finished_total\\{outcome=\"COMMITTED\",stage=\"1\"} 1\\.0$",
            "(?m)^otaflow_stage_duration_seconds_count\\{[^}]*result=\"passed\"[^}]*} [1-9]$");
        assertThat(controlPlaneBefore)
            .containsPattern("(?m)^otaflow_rollouts_ended_total\\{status=\"SUCCEEDED\"} 0\\.0$")
            .doesNotContain("otaflow_robot_updates_finished_total{outcome=\"COMMITTED\"");
        String controlPlaneAfter = TestControlPlane.awaitMetrics(controlPlane, counted);
        counted.forEach(pattern -> assertThat(controlPlaneAfter).containsPattern(pattern));
      }
    }
  }

  private static String robotMetrics(RobotAgent agent) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
