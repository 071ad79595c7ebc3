package io.otaflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.agent.AgentConfig;
import io.otaflow.agent.RobotAgent;
import io.otaflow.agent.fixtures.AskSafeState;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.fleet.OfflineInstallReport;
import io.otaflow.fleet.RobotRegistrationWorkflow;
import io.otaflow.robotupdate.SafeStateAnswer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A robot agent started from an agent.yaml that reads its battery from sysfs and its mission state from an
 * update-lock file, asked through Temporal, as a rollout asks it, whether it may be updated now.
 */
@Timeout(120)
class AgentSensorsTest {

  @TempDir
  Path dir;

  /** The control plane's part in an agent's start, and nothing more: the registration is confirmed. */
  public static class RegistrationConfirmed implements RobotRegistrationWorkflow {
    @Override
    public void register(String robotId, Map<String, String> labels, String installedVersion, String agentVersion,
                         List<OfflineInstallReport> offlineInstalls) {
    }
  }

  @Test
  void anAgentReadingSysfsIsNotSafeWithoutABatteryCapacityAndSafeWithIt() throws Exception {
    Path sysfs = dir.resolve("sysfs");
    write(sysfs.resolve("sys/class/power_supply/BAT0/type"), "Battery");
    write(sysfs.resolve("sys/class/power_supply/BAT0/status"), "Charging");
    write(sysfs.resolve("sys/class/thermal/thermal_zone0/temp"), "42000");
    Path robotDir = dir.resolve("robot");
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
          .setTarget(temporal.target()).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      WorkerFactory controlPlane = WorkerFactory.newInstance(client);
      controlPlane.newWorker(OtaflowNames.CONTROL_TASK_QUEUE)
          .registerWorkflowImplementationTypes(RegistrationConfirmed.class, AskSafeState.Once.class);
      controlPlane.start();
      try (RobotAgent agent = RobotAgent.start(AgentConfig.parse("""
          robotId: r1
          dataDir: %s
          temporal: {address: "%s"}
          telemetryInterval: 1h
          sensors: [{type: sysfs, root: "%s"}]
          mission: {type: lockFile, path: "%s"}
          """.formatted(robotDir, temporal.target(), sysfs, robotDir.resolve("update.lock"))),
          Duration.ofSeconds(30))) {
        assertThat(ask(client)).isEqualTo(SafeStateAnswer.notNow("battery unknown: sysfs "
            + sysfs.resolve("sys/class/power_supply/BAT0/capacity") + ": missing"));

        write(sysfs.resolve("sys/class/power_supply/BAT0/capacity"), "87");
        assertThat(ask(client)).isEqualTo(SafeStateAnswer.safeNow());
      } finally {
        controlPlane.shutdownNow();
        service.shutdownNow();
      }
    }
  }

  private static SafeStateAnswer ask(WorkflowClient client) {
    return client.newWorkflowStub(AskSafeState.class, WorkflowOptions.newBuilder()
        .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
        .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
        .build()).ask("r1");
  }

  private static void write(Path file, String value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, value + "\n");
  }
}
