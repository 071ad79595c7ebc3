package io.otaflow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.OtaflowNames;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A registration carries the robot's offline installs to the registry; one from an older agent carries none. */
class RobotRegistrationWorkflowTest {

  private TestWorkflowEnvironment env;
  private final RobotTelemetryWorkflowTest.RecordingFleet fleet = new RobotTelemetryWorkflowTest.RecordingFleet();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(OtaflowNames.CONTROL_TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(RobotRegistrationWorkflowImpl.class);
    worker.registerActivitiesImplementations(fleet);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void offlineInstallsAreRecordedWithTheRegistration() {
    OfflineInstallReport install = new OfflineInstallReport("2.0.0", "1.0.0", "2.0.0", "COMMITTED",
        "2.0.0 committed", Instant.parse("2026-12-01T10:00:00Z"));

    registration("r1").register("r1", Map.of(), "2.0.0", "test", List.of(install));

    assertThat(fleet.offlineInstalls).containsExactly(install);
  }

  @Test
  void registrationOfAnAgentThatPredatesBundlesRecordsNone() {
    registration("r2").register("r2", Map.of(), "1.0.0", "old", null);

    assertThat(fleet.offlineInstalls).isEmpty();
  }

  private RobotRegistrationWorkflow registration(String robotId) {
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(RobotRegistrationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(OtaflowNames.robotRegistrationWorkflowId(robotId))
        .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE).build());
  }
}
