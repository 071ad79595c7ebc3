package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.FleetRegistry;
import io.otaflow.robot.RobotNames;
import io.otaflow.robotside.BuiltArtifact;
import io.otaflow.robotside.DownloadProgress;
import io.otaflow.robotside.ReleaseArtifacts;
import io.otaflow.robotside.RobotDisk;
import io.otaflow.robotside.RobotSensors;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutStatus;
import io.otaflow.worker.artifacts.ArtifactServer;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A robot agent killed with {@code kill -9} in the middle of a download, then started again: the retried download
 * resumes from the last heartbeat the Temporal server recorded and fetches only the rest of the artifact. Temporal's
 * test server and the agent each run in a JVM of their own; the control plane and the artifact server in this one.
 */
class AgentCrashResumeTest {

  private static final int PAYLOAD_BYTES = 3 * 1024 * 1024;
  /** About 10 s for the artifact. */
  private static final long THROTTLE_BYTES_PER_SECOND = PAYLOAD_BYTES / 10;

  // Kept when the test fails: the agents' and the test server's logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dataDir;

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  @Test
  void killedAgentResumesItsDownloadAfterRestart() throws Exception {
    Logging.toFile(dataDir.resolve("otaflow.log"));
    int port = freePort();
    String target = "127.0.0.1:" + port;
    List<Process> processes = new ArrayList<>();
    WorkflowServiceStubs service = null;
    try {
      processes.add(javaProcess("temporal", "io.temporal.testserver.TestServer", Integer.toString(port)));
      waitFor("the Temporal test server to listen on " + target, Duration.ofSeconds(60), () -> listening(port));
      service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      try (ConfigurableApplicationContext controlPlane = ControlPlaneApplication.start(Map.of(
               "spring.temporal.connection.target", target,
               "otaflow.temporal.test-server", "true",
               "spring.main.web-application-type", "none",
               "otaflow.data-dir", dataDir.resolve("control").toString()));
           ArtifactServer artifacts = ArtifactServer.start(Files.createDirectories(dataDir.resolve("artifacts")))) {
        BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
        String fileName = "otaflow-1.0.0.tar.gz";
        BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve(fileName), "1.0.0", PAYLOAD_BYTES);
        artifacts.throttle(THROTTLE_BYTES_PER_SECOND);
        RolloutService rollouts = controlPlane.getBean(RolloutService.class);
        rollouts.registerRelease(next.toRelease("1.0.0", artifacts.url(fileName), "next"));
        Path robotDir = dataDir.resolve("robots").resolve("r1");
        RobotDisk.seed(robotDir, factory.path(), "0.9.0");
        RobotSensors.healthy().write(robotDir);

        Process agent = startAgent(robotDir, target, "agent-1");
        processes.add(agent);
        waitFor("robot r1 to register", Duration.ofSeconds(90),
            () -> controlPlane.getBean(FleetRegistry.class).robot("r1").isPresent());

        RolloutPlan plan = new RolloutPlan(List.of(StagePlan.canary("canary", 1, Duration.ZERO, 1.0)),
            1, Duration.ofMinutes(2), 1, Duration.ofMillis(200));
        rollouts.startRollout("crash-1", "1.0.0", plan, TargetSelector.wholeFleet());
        String robotWorkflow = RobotNames.robotWorkflowId("crash-1", "r1");
        WorkflowServiceStubs stubs = service;
        long size = next.sizeBytes();
        waitFor("30% of the artifact served and a download heartbeat recorded", Duration.ofSeconds(60),
            () -> artifacts.bytesServed(fileName) > size * 3 / 10 && recordedProgress(stubs, robotWorkflow).isPresent());

        agent.destroyForcibly();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // A chunk the server was writing at the kill may still be counted: wait until the count settles.
        long servedBeforeKill = settled(() -> artifacts.bytesServed(fileName));
        long resumeOffset = recordedProgress(stubs, robotWorkflow).map(DownloadProgress::offset).orElse(0L);

        processes.add(startAgent(robotDir, target, "agent-2"));
        RolloutProgress result = rollouts.awaitResult("crash-1", Duration.ofMinutes(4));
        long servedInAll = artifacts.bytesServed(fileName);

        System.out.printf("crash-resume: artifact %d bytes; served before kill %d (%.0f%%); resume offset %d "
                + "(%.0f%%); served after restart %d; served in all %d (%.2fx the artifact)%n",
            size, servedBeforeKill, 100.0 * servedBeforeKill / size, resumeOffset, 100.0 * resumeOffset / size,
            servedInAll - servedBeforeKill, servedInAll, (double) servedInAll / size);
        assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
        assertThat(new RobotDisk(robotDir).readState().installedVersion()).isEqualTo("1.0.0");
        assertThat(resumeOffset).isPositive();
        assertThat(servedInAll - servedBeforeKill).isEqualTo(size - resumeOffset);
        assertThat(servedInAll).isLessThan(size * 3 / 2);
      }
    } finally {
      for (Process process : processes) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      if (service != null) {
        service.shutdownNow();
      }
    }
  }

  private Process startAgent(Path robotDir, String target, String name) throws IOException {
    return javaProcess(name, Otaflow.class.getName(), "agent", "--robot-id", "r1", "--temporal-address", target,
        "--data-dir", robotDir.toString(), "--register-timeout", "60");
  }

  /** A JVM on this test's class path; its output goes to {@code <name>.log} in the data directory. */
  private Process javaProcess(String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve(name + ".log").toFile())
        .start();
  }

  /** The download progress of the robot's pending activity as the Temporal server last recorded it. */
  private static Optional<DownloadProgress> recordedProgress(WorkflowServiceStubs service, String workflowId) {
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

  private static void waitFor(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** The value once it has not changed for a second (at most 10 s). */
  private static long settled(LongSupplier value) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long last = value.getAsLong();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long now = value.getAsLong();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
