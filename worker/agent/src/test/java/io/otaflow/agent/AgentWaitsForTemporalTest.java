package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.otaflow.agent.fixtures.AskSafeState;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.fleet.FleetActivities;
import io.otaflow.fleet.RobotRegistrationWorkflowImpl;
import io.otaflow.fleet.OfflineInstallReport;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.robotupdate.SafeStateAnswer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A robot often boots before Temporal answers. The agent, started against a port where nothing listens yet, keeps
 * trying with one log line per attempt, and registers and serves once Temporal's test server comes up on that port;
 * it gives up, in one line, only once its registration timeout has passed.
 */
@Timeout(120)
class AgentWaitsForTemporalTest {

  private static final Duration WAIT_FOR = Duration.ofSeconds(60);

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @TempDir
  Path dir;

  /** The control plane's fleet registry, reduced to the robots it was asked to register. */
  static final class RegisteredRobots implements FleetActivities {
    final Set<String> robotIds = ConcurrentHashMap.newKeySet();

    @Override
    public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                              String agentVersion) {
      robotIds.add(robotId);
    }

    @Override
    public void recordOfflineInstalls(String robotId, List<OfflineInstallReport> installs) {
    }

    @Override
    public void recordTelemetry(RobotTelemetry telemetry) {
    }
  }

  @BeforeEach
  void captureLog() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logged.setContext(context);
    logged.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logged);
  }

  @AfterEach
  void stopCapturing() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logged);
    logged.stop();
  }

  @Test
  void agentStartedBeforeTemporalRegistersAndServesOnceTemporalIsUp() throws Exception {
    Path robotDir = dir.resolve("r1");
    Files.createDirectories(robotDir);
    Files.writeString(robotDir.resolve("sensors.json"), """
        {"batteryPercent": 90, "temperatureC": 40, "latencyMs": 20, "serviceUp": true, "missionActive": false,
         "docked": true, "charging": false}
        """);
    int port = portNothingListensOn();
    String address = "127.0.0.1:" + port;
    CompletableFuture<RobotAgent> starting = CompletableFuture.supplyAsync(
        () -> RobotAgent.start(config(robotDir, address), WAIT_FOR));
    awaitRefusedAttempt(starting, address);

    try (TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(port, true)) {
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
          .setTarget(address).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      RegisteredRobots registry = new RegisteredRobots();
      WorkerFactory controlPlane = WorkerFactory.newInstance(client);
      Worker control = controlPlane.newWorker(OtaflowNames.CONTROL_TASK_QUEUE);
      control.registerWorkflowImplementationTypes(RobotRegistrationWorkflowImpl.class, AskSafeState.Once.class);
      control.registerActivitiesImplementations(registry);
      controlPlane.start();
      try (RobotAgent agent = starting.get(WAIT_FOR.toSeconds(), TimeUnit.SECONDS)) {
        assertThat(registry.robotIds).containsExactly("r1");
        assertThat(client.newWorkflowStub(AskSafeState.class, WorkflowOptions.newBuilder()
            .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
            .build()).ask("r1")).isEqualTo(SafeStateAnswer.safeNow());
      } finally {
        controlPlane.shutdownNow();
        service.shutdownNow();
      }
    }
    assertThat(linesAbout(address)).allSatisfy(line -> assertThat(line).doesNotContain("\n"));
  }

  @Test
  void givesUpInOneLineOnlyOnceTheRegistrationTimeoutHasPassed() throws Exception {
    String address = "127.0.0.1:" + portNothingListensOn();
    Duration timeout = Duration.ofSeconds(8);
    long started = System.nanoTime();

    assertThatThrownBy(() -> RobotAgent.start(config(dir.resolve("r1"), address), timeout))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot reach Temporal at " + address + " (namespace default)")
        .hasMessageContaining("Connection refused")
        .hasMessageNotContaining("\n");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(timeout);
    assertThat(linesAbout(address)).hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(line -> assertThat(line).startsWith("Temporal at " + address + " not reachable yet (")
            .contains("Connection refused").doesNotContain("\n"));
  }

  private static AgentConfig config(Path robotDir, String address) {
    return AgentConfig.parse("""
        robotId: r1
        dataDir: %s
        temporal: {address: "%s"}
        telemetryInterval: 1h
        """.formatted(robotDir, address));
  }

  /**
   * Waits until the agent has logged that Temporal refused it, so Temporal comes up only after the agent found it
   * down; fails at once when the agent's start ends first.
   */
  private void awaitRefusedAttempt(CompletableFuture<RobotAgent> starting, String address) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (linesAbout(address).isEmpty()) {
      if (starting.isDone()) {
        fail("the agent's start ended before it logged a refused attempt: " + starting.handle(
            (agent, failure) -> failure == null ? "it started" : failure.getCause().getMessage()).get());
      }
      if (System.nanoTime() > deadline) {
        fail("the agent logged no refused attempt at " + address + " within 30 s");
      }
      Thread.sleep(50);
    }
  }

  /** The agent's log lines that name Temporal's address, with any stack trace appended. */
  private List<String> linesAbout(String address) {
    synchronized (logged) {
      return logged.list.stream()
          .filter(event -> event.getFormattedMessage().contains("Temporal at " + address))
          .map(event -> event.getFormattedMessage()
              + (event.getThrowableProxy() == null ? "" : "\n" + event.getThrowableProxy().getClassName()))
          .toList();
    }
  }

  private static int portNothingListensOn() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
