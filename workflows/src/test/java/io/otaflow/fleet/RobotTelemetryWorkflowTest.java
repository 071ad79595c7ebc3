package io.otaflow.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.OtaflowNames;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The telemetry workflow stays registered for agents older than POST /api/v1/telemetry, until they are upgraded. */
class RobotTelemetryWorkflowTest {

  /** Test fake for the database edge; refuses robots it was not told about, like the real registry. */
  static class RecordingFleet implements FleetActivities {
    final List<RobotTelemetry> recorded = new CopyOnWriteArrayList<>();
    /** The run of the telemetry workflow that recorded each report, by its sentAt. */
    final Map<Long, String> recordingRun = new ConcurrentHashMap<>();

    @Override
    public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                              String agentVersion) {
    }

    final List<OfflineInstallReport> offlineInstalls = new CopyOnWriteArrayList<>();

    @Override
    public void recordOfflineInstalls(String robotId, List<OfflineInstallReport> installs) {
      offlineInstalls.addAll(installs);
    }

    @Override
    public void recordTelemetry(RobotTelemetry telemetry) {
      if (telemetry.robotId().startsWith("stranger")) {
        throw ApplicationFailure.newNonRetryableFailure("unknown robot(s): " + telemetry.robotId(), "UnknownRobot");
      }
      recordingRun.put(telemetry.sentAtEpochMillis(), Activity.getExecutionContext().getInfo().getRunId());
      recorded.add(telemetry);
    }
  }

  private TestWorkflowEnvironment env;
  private final RecordingFleet fleet = new RecordingFleet();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(OtaflowNames.CONTROL_TASK_QUEUE);
    worker.registerWorkflowImplementationFactory(RobotTelemetryWorkflow.class, () -> new RobotTelemetryWorkflowImpl(3));
    worker.registerActivitiesImplementations(fleet);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /**
   * The test server refuses a signal-with-start that lands while the workflow continues as new ("Completed
   * workflow"); the agent simply sends again, and so does this test, a bounded number of times.
   */
  private void report(String robotId, double battery, long sentAt) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        signalWithStart(robotId, battery, sentAt);
        return;
      } catch (WorkflowServiceException refused) {
        assertThat(attempt).as("signal-with-start refused: %s", refused).isLessThan(20);
        Thread.sleep(50);
      }
    }
  }

  /** What agents before POST /api/v1/telemetry send, every minute: a signal-with-start. */
  private void signalWithStart(String robotId, double battery, long sentAt) {
    WorkflowClient client = env.getWorkflowClient();
    RobotTelemetryWorkflow workflow = client.newWorkflowStub(RobotTelemetryWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(OtaflowNames.robotTelemetryWorkflowId(robotId))
        .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
        .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::run, robotId);
    request.add(workflow::report, new RobotTelemetry(robotId, battery, 40.0, "1.0.0", sentAt, null, null));
    client.signalWithStart(request);
  }

  private void awaitRecorded(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fleet.recorded.stream().filter(t -> t.robotId().equals("r1")).count() < count) {
      assertThat(System.nanoTime()).as("reports recorded: %s", fleet.recorded).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private void awaitContinuedAsNewFrom(String runId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (runId.equals(env.getWorkflowClient().newUntypedWorkflowStub(OtaflowNames.robotTelemetryWorkflowId("r1"))
        .describe().getExecution().getRunId())) {
      assertThat(System.nanoTime()).as("run %s continued as new", runId).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void everyReportReachesTheRegistryAcrossContinueAsNew() throws InterruptedException {
    for (int i = 1; i <= 7; i++) {
      report("r1", 90 - i, i);
      awaitRecorded(i);
      if (i % 3 == 0) {
        // The third report of a run ends it; a report sent before it has continued as new would be taken by the
        // ending run (its completion refused, retried with the report) and leave the next run nothing to answer.
        awaitContinuedAsNewFrom(fleet.recordingRun.get((long) i));
      }
    }
    assertThat(fleet.recorded).extracting(RobotTelemetry::sentAtEpochMillis).containsExactly(1L, 2L, 3L, 4L, 5L, 6L,
        7L);
    RobotTelemetryWorkflow current = env.getWorkflowClient().newWorkflowStub(RobotTelemetryWorkflow.class,
        OtaflowNames.robotTelemetryWorkflowId("r1"));
    assertThat(current.latest().batteryPercent()).as("the run after continue-as-new answers").isEqualTo(83.0);
    String firstRun = env.getWorkflowClient().fetchHistory(OtaflowNames.robotTelemetryWorkflowId("r1")).getEvents()
        .get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    assertThat(firstRun).as("three reports per run: the workflow continued as new").isNotEmpty();
  }

  @Test
  void reportOfAnUnknownRobotIsDroppedAndTheWorkflowKeepsListening() throws InterruptedException {
    report("stranger-1", 50, 1);
    report("stranger-1", 51, 2);
    RobotTelemetryWorkflow stranger = env.getWorkflowClient().newWorkflowStub(RobotTelemetryWorkflow.class,
        OtaflowNames.robotTelemetryWorkflowId("stranger-1"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (stranger.latest() == null || stranger.latest().sentAtEpochMillis() != 2) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(env.getWorkflowClient().newUntypedWorkflowStub(OtaflowNames.robotTelemetryWorkflowId("stranger-1"))
        .describe().getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(fleet.recorded).isEmpty();
  }
}
