package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.RolloutService;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robot.DownloadProgress;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.RobotActivityOptions;
import io.otaflow.rollout.RolloutProgress;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A robot agent killed with {@code kill -9} in the middle of a download or of an apply, then started again: the
 * retried download resumes from the last heartbeat the Temporal server recorded (or the later offset recorded beside
 * the partial file) and fetches only the rest of the artifact; the apply runs again. Temporal's test server runs in a JVM of its own, the agent from its distribution as
 * its systemd unit runs it; the control plane and the artifact server in this one.
 */
class AgentCrashResumeIT {

  private static final int PAYLOAD_BYTES = 3 * 1024 * 1024;
  /** About 10 s for the artifact. */
  private static final long THROTTLE_BYTES_PER_SECOND = PAYLOAD_BYTES / 10;
  private static final RolloutPlan PLAN = new RolloutPlan(List.of(StagePlan.canary("canary", 1, Duration.ZERO, 1.0)),
      1, Duration.ofMinutes(2), 1, Duration.ofMillis(200));

  // Kept when the test fails: the agents' and the test server's logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dataDir;

  private final List<Process> processes = new ArrayList<>();
  private String target;
  private WorkflowServiceStubs service;
  private ConfigurableApplicationContext controlPlane;
  private ArtifactServer artifacts;
  private RolloutService rollouts;
  private Path robotDir;

  /** The control planes' log (both cases share this JVM's logging); kept when a case fails. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path logDir;

  @BeforeAll
  static void logToFile() {
    Logging.takeOver();
    Logging.toFile(logDir.resolve("otaflow.log"));
  }

  /** Temporal's test server in its own JVM; control plane and artifact server here; robot r1 on 0.9.0. */
  @BeforeEach
  void startTemporalControlPlaneAndRobotDisk() throws Exception {
    int port = LocalPorts.free();
    target = "127.0.0.1:" + port;
    processes.add(TestProcesses.temporalTestServer(dataDir, port));
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    controlPlane = TestControlPlane.start(target, dataDir);
    rollouts = controlPlane.getBean(RolloutService.class);
    artifacts = ArtifactServer.start(Files.createDirectories(dataDir.resolve("artifacts")));
    BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
    robotDir = dataDir.resolve("robots").resolve("r1");
    RobotDisk.seed(robotDir, factory.path(), "0.9.0");
    RobotSensors.healthy().write(robotDir);
  }

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
    if (artifacts != null) {
      artifacts.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (service != null) {
      service.shutdownNow();
    }
  }

  // Each case spends most of its time waiting (a throttled download, a heartbeat timeout): the two run side by side,
  // each with its own Temporal server, control plane, artifact server and robot, while other classes wait.
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedAgentResumesItsDownloadAfterRestart() throws Exception {
    String fileName = "otaflow-1.0.0.tar.gz";
    BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve(fileName), "1.0.0", PAYLOAD_BYTES);
    artifacts.throttle(THROTTLE_BYTES_PER_SECOND);
    rollouts.registerRelease(next.toRelease("1.0.0", artifacts.url(fileName), "next"));
    Process agent = startAgent("agent-1");

    rollouts.startRollout("crash-1", "1.0.0", PLAN, TargetSelector.wholeFleet(), "test");
    String robotWorkflow = OtaflowNames.robotWorkflowId("crash-1", "r1");
    long size = next.sizeBytes();
    TestProcesses.waitFor("30% of the artifact served and a download heartbeat recorded", Duration.ofSeconds(60),
        () -> artifacts.bytesServed(fileName) > size * 3 / 10 && recordedProgress(robotWorkflow).isPresent());

    kill(agent);
    long servedBeforeKill = artifacts.bytesServedOnceSettled(fileName);
    long resumeOffset = recordedProgress(robotWorkflow).map(DownloadProgress::offset).orElse(0L);

    startAgent("agent-2");
    RolloutProgress result = new RolloutWatcher(rollouts::progress, null).await("crash-1", Duration.ofMinutes(4));
    long servedInAll = artifacts.bytesServed(fileName);

    System.out.printf("crash-resume: artifact %d bytes; served before kill %d (%.0f%%); resume offset %d "
            + "(%.0f%%); served after restart %d; served in all %d (%.2fx the artifact)%n",
        size, servedBeforeKill, 100.0 * servedBeforeKill / size, resumeOffset, 100.0 * resumeOffset / size,
        servedInAll - servedBeforeKill, servedInAll, (double) servedInAll / size);
    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(new RobotDisk(robotDir).readState().installedVersion()).isEqualTo("1.0.0");
    assertThat(resumeOffset).isPositive();
    // The restarted agent resumes from the heartbeat the server holds or, later, from the offset the killed one
    // recorded beside its partial file: never more than the rest after the heartbeat, never less than the rest.
    assertThat(servedInAll - servedBeforeKill).isLessThanOrEqualTo(size - resumeOffset)
        .isGreaterThanOrEqualTo(size - servedBeforeKill);
    assertThat(servedInAll).isLessThan(size * 3 / 2);
  }

  /**
   * Killed while apply runs its beforeSwitch hook (the slot unpacked, nothing switched): the agent's heartbeats stop,
   * the server times the attempt out after the heartbeat timeout and the restarted agent applies again.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void agentKilledDuringApplyAppliesAgainAfterRestart() throws Exception {
    String fileName = "otaflow-1.0.0.tar.gz";
    BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve(fileName), "1.0.0");
    rollouts.registerRelease(next.toRelease("1.0.0", artifacts.url(fileName), "next"));
    Path hookStarted = dataDir.resolve("hook-started");
    // The first run of the hook marks its start and hangs; the run on the restarted agent passes.
    Path config = Files.writeString(dataDir.resolve("agent.yaml"), String.join("\n",
        "hooks:",
        "  beforeSwitch:",
        "    - \"if [ ! -e " + hookStarted + " ]; then touch " + hookStarted + "; sleep 300; fi\"",
        "  timeout: 10m",
        ""));
    Process agent = startAgent("agent-1", "--config", config.toString());

    rollouts.startRollout("crash-2", "1.0.0", PLAN, TargetSelector.wholeFleet(), "test");
    TestProcesses.waitFor("apply to run its beforeSwitch hook", Duration.ofSeconds(60),
        () -> Files.exists(hookStarted));
    kill(agent);
    long killed = System.nanoTime();
    assertThat(new RobotDisk(robotDir).readState().installedVersion()).isEqualTo("0.9.0");

    startAgent("agent-2", "--config", config.toString());
    RolloutProgress result = new RolloutWatcher(rollouts::progress, null).await("crash-2", Duration.ofMinutes(4));

    System.out.printf("crash-apply: rollout ended %.1f s after the kill (heartbeat timeout %d s)%n",
        (System.nanoTime() - killed) / 1e9, RobotActivityOptions.LOCAL_WORK_HEARTBEAT.toSeconds());
    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(new RobotDisk(robotDir).readState().installedVersion()).isEqualTo("1.0.0");
    assertThat(applyAttempt(OtaflowNames.robotWorkflowId("crash-2", "r1"))).isEqualTo(2);
  }

  private Process startAgent(String name, String... moreArgs) throws Exception {
    Process agent = TestProcesses.agent(dataDir, name, "r1", target, robotDir, moreArgs);
    processes.add(agent);
    return agent;
  }

  private static void kill(Process agent) throws InterruptedException {
    agent.destroyForcibly();
    assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * The attempt that completed the robot's apply step, from its history (Temporal records an activity's started
   * event once, for the attempt that ended it).
   */
  private int applyAttempt(String workflowId) {
    var history = service.blockingStub().getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
        .setNamespace("default")
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .build()).getHistory();
    Set<Long> applies = new HashSet<>();
    for (HistoryEvent event : history.getEventsList()) {
      if (event.hasActivityTaskScheduledEventAttributes()
          && event.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("Apply")) {
        applies.add(event.getEventId());
      }
      if (event.hasActivityTaskStartedEventAttributes()
          && applies.contains(event.getActivityTaskStartedEventAttributes().getScheduledEventId())) {
        return event.getActivityTaskStartedEventAttributes().getAttempt();
      }
    }
    throw new AssertionError("no apply started in " + workflowId);
  }

  /** The download progress of the robot's pending activity as the Temporal server last recorded it. */
  private Optional<DownloadProgress> recordedProgress(String workflowId) {
    try {
      var describe = service.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace("default")
          .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
          .build());
      for (PendingActivityInfo activity : describe.getPendingActivitiesList()) {
        if (activity.hasHeartbeatDetails()) {
          return Optional.ofNullable(DefaultDataConverter.newDefaultInstance().fromPayloads(0,
              Optional.of(activity.getHeartbeatDetails()), DownloadProgress.class, DownloadProgress.class));
        }
      }
      return Optional.empty();
    } catch (RuntimeException notYet) {
      return Optional.empty();
    }
  }
}
