package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry across processes, off Temporal: the agent distribution, configured with the robot token an admin issued,
 * posts its samples to {@code otaflow server} (each in its own JVM, on Temporal's test server); the robot API then
 * shows what the robot's sensors read, and no telemetry workflow was started.
 */
class TelemetryOverHttpIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
  }

  @Test
  void theAgentReportsOverHttpWithItsRobotTokenAndNoTelemetryWorkflowRuns() throws Exception {
    int temporalPort = LocalPorts.free();
    String temporal = "127.0.0.1:" + temporalPort;
    processes.add(TestProcesses.temporalTestServer(dir, temporalPort));
    int httpPort = LocalPorts.free();
    processes.add(TestProcesses.controlPlane(dir, "control-plane", temporal, dir.resolve("control"), httpPort));
    String server = "http://127.0.0.1:" + httpPort;
    ControlPlaneClient api = new ControlPlaneClient(URI.create(server), TestProcesses.adminToken(dir.resolve("control")));

    JsonNode issued = api.post("/api/v1/tokens", Map.of("robot", "r1")).body();
    Path tokenFile = Files.writeString(dir.resolve("r1.token"), issued.get("token").asText());
    Path robotDir = dir.resolve("robots").resolve("r1");
    BuiltArtifact factory = ReleaseArtifacts.build(dir.resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
    RobotDisk.seed(robotDir, factory.path(), "0.9.0");
    RobotSensors.healthy().withTemperatureC(57.5).write(robotDir);
    Path config = Files.writeString(dir.resolve("agent.yaml"), "telemetryInterval: 1s\ntelemetrySendInterval: 2s\n");
    processes.add(TestProcesses.agent(dir, "agent-r1", "r1", temporal, robotDir, "--config", config.toString(),
        "--control-plane-url", server, "--token-file", tokenFile.toString()));

    JsonNode[] telemetry = new JsonNode[1];
    TestProcesses.waitFor("r1's telemetry in the robot API", Duration.ofSeconds(60), () -> {
      telemetry[0] = api.get("/api/v1/robots/r1").body().path("robot").path("telemetry");
      return telemetry[0].path("temperatureC").asDouble() == 57.5;
    });
    assertThat(telemetry[0].path("batteryPercent").asDouble()).isEqualTo(90.0);
    assertThat(telemetry[0].path("installedVersion").asText()).isEqualTo("0.9.0");
    assertThat(telemetry[0].path("agentVersion").asText()).isNotBlank();

    RobotSensors.healthy().withTemperatureC(91.0).write(robotDir);
    TestProcesses.waitFor("r1's next batch", Duration.ofSeconds(60), () -> api.get("/api/v1/robots/r1").body()
        .path("robot").path("telemetry").path("temperatureC").asDouble() == 91.0);

    WorkflowServiceStubs temporalService = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(temporal).build());
    try {
      List<String> open = temporalService.blockingStub().listOpenWorkflowExecutions(
              ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").setMaximumPageSize(100).build())
          .getExecutionsList().stream().map(execution -> execution.getExecution().getWorkflowId()).toList();
      assertThat(open).doesNotContain(OtaflowNames.robotTelemetryWorkflowId("r1"));
    } finally {
      temporalService.shutdownNow();
    }
  }
}
