package io.otaflow.agent;

import io.grpc.Context;
import io.grpc.Deadline;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.fleet.OfflineInstallReport;
import io.otaflow.fleet.RobotRegistrationWorkflow;
import io.otaflow.observability.LogContext;
import io.otaflow.observability.Tracing;
import io.otaflow.robot.RefusalLogging;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.OfflineInstall;
import io.otaflow.robot.RobotSideActivities;
import io.otaflow.wire.TemporalTls;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.failure.TimeoutFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One robot's agent, without Spring: registers the robot with the control plane (through
 * {@link RobotRegistrationWorkflow} on the control plane's task queue), then serves the robot-side activities on the robot's
 * own task queue {@code robot-<robotId>} until closed.
 */
public final class RobotAgent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RobotAgent.class);

  /** Recorded in the fleet registry with every registration. */
  public static final String AGENT_VERSION = "0.1.0";

  private final String robotId;
  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;
  private final Runnable stopTelemetry;
  private final SystemdService systemd;
  private final AgentMetrics metrics;
  private final Tracing tracing;

  private RobotAgent(String robotId, WorkflowServiceStubs service, WorkerFactory factory,
                     Runnable stopTelemetry, SystemdService systemd, AgentMetrics metrics, Tracing tracing) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.robotId = robotId;
    this.service = service;
    this.factory = factory;
    this.stopTelemetry = stopTelemetry;
    this.systemd = systemd;
  }

  /**
   * Validates {@code config} (agent.yaml with the command line's overrides), waits for Temporal to answer, registers
   * the robot and starts polling; {@code registrationTimeout} bounds the wait for Temporal and for the control plane
   * to confirm the registration together. Returns once the robot's worker polls. Run by systemd
   * ({@code NOTIFY_SOCKET} set), it then reports ready and keeps the unit's watchdog fed.
   *
   * @throws IllegalArgumentException naming the configuration field at fault
   * @throws IllegalStateException when Temporal refuses the agent, or Temporal or the control plane does not answer
   *     in time
   */
  public static RobotAgent start(AgentConfig config, Duration registrationTimeout) {
    config.validate();
    Tracing tracing = Tracing.start(config.otlpEndpoint(), "tracing.otlpEndpoint", Tracing.AGENT_SERVICE,
        Map.of(Tracing.ROBOT_ID_ATTRIBUTE, config.robotId()));
    try {
      return start(config, registrationTimeout, tracing);
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
  }

  private static RobotAgent start(AgentConfig config, Duration registrationTimeout, Tracing tracing) {
    RobotDisk disk = new RobotDisk(config.dataDirPath());
    RobotSideActivities robotSide = config.robotSide();
    log.info("robot {}: {}; sensors from {}; {}", config.robotId(), robotSide.manifestCheck().describe(),
        robotSide.sensors().describe(), tracing.isOn() ? "traces to " + config.otlpEndpoint() : "no traces");
    AgentMetrics metrics = new AgentMetrics(AGENT_VERSION);
    if (config.metrics() != null) {
      metrics.serve(config.metrics().addressOrDefault(), config.metrics().portOrDefault());
    }
    Object[] activities = robotSide.forRobot(disk, metrics.registry());
    SystemdService systemd = SystemdService.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    Deadline registrationDeadline = Deadline.after(registrationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(serviceOptions(config));
    try {
      TemporalConnection temporal = new TemporalConnection(service, config.temporal());
      temporal.awaitAnswer(registrationDeadline);
      WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
          .setNamespace(config.temporal().namespace())
          .setInterceptors(tracing.clientInterceptors().toArray(WorkflowClientInterceptor[]::new))
          .build());
      List<OfflineInstall.Record> offline = OfflineInstall.unreported(disk);
      register(client, config, disk.readState().installedVersion(), offline, temporal, registrationTimeout,
          registrationDeadline);
      if (!offline.isEmpty()) {
        OfflineInstall.markReported(disk, offline);
        log.info("robot {}: reported {} offline install(s) to the control plane", config.robotId(), offline.size());
      }
      WorkerFactory factory = WorkerFactory.newInstance(client, workerFactoryOptions(metrics, tracing));
      // Activities only: no workflow runs on a robot, so sticky queues never come into play.
      Worker worker = factory.newWorker(OtaflowNames.robotTaskQueue(config.robotId()), WorkerOptions.newBuilder()
          .setMaxConcurrentActivityTaskPollers(2)
          .setMaxConcurrentActivityExecutionSize(4)
          // A download resumes from the last heartbeat the server got: the SDK's default throttle (80% of the
          // 30 s heartbeat timeout) would lose up to 24 s of download on a crash, 2 s loses little.
          .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(2))
          .build());
      worker.registerActivitiesImplementations(activities);
      factory.start();
      Runnable stopTelemetry = startTelemetry(config, disk, robotSide, metrics);
      systemd.ready("serving " + worker.getTaskQueue() + " on " + config.temporal().address(),
          () -> workerProblem(factory, worker.getTaskQueue()));
      return new RobotAgent(config.robotId(), service, factory, stopTelemetry, systemd, metrics, tracing);
    } catch (RuntimeException e) {
      service.shutdownNow();
      metrics.close();
      throw e;
    }
  }

  /**
   * Posts telemetry to the control plane with the robot's token, on a thread of its own; without controlPlane, one
   * warning and nothing.
   *
   * @return what stops it
   */
  private static Runnable startTelemetry(AgentConfig config, RobotDisk disk, RobotSideActivities robotSide,
                                                  AgentMetrics metrics) {
    URI controlPlane = config.controlPlaneUri();
    if (controlPlane == null) {
      log.warn("robot {}: no controlPlane in the configuration, no telemetry is sent (the fleet sees the robot"
          + " stale)", config.robotId());
      return () -> { };
    }
    String token;
    try {
      token = Files.readString(Path.of(config.controlPlane().tokenFile())).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("controlPlane.tokenFile: cannot read " + config.controlPlane().tokenFile()
          + ": " + e.getMessage(), e);
    }
    log.info("robot {}: telemetry sampled every {}, sent every {} to {}", config.robotId(),
        config.telemetryIntervalDuration(), config.telemetrySendIntervalDuration(), controlPlane);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "otaflow-telemetry");
      thread.setDaemon(true);
      return thread;
    });
    TelemetryReporter reporter = new TelemetryReporter(config.robotId(), AGENT_VERSION, disk, robotSide.sensors(),
        metrics::runningStep, controlPlane, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .build(), Clock.systemUTC())
        .start(timer, config.telemetryIntervalDuration(), config.telemetrySendIntervalDuration());
    return () -> {
      reporter.close();
      timer.shutdownNow();
    };
  }

  /**
   * Refusals are logged as one line with their reason, not as the SDK's stack trace; the step running is a metric;
   * activities continue their rollout's trace when tracing is on; the log context comes last, so that it wraps the
   * others and their lines carry the rollout and robot.
   */
  static WorkerFactoryOptions workerFactoryOptions(AgentMetrics metrics, Tracing tracing) {
    List<WorkerInterceptor> interceptors = new ArrayList<>(List.of(new RefusalLogging(), metrics.updateSteps()));
    interceptors.addAll(tracing.workerInterceptors());
    interceptors.add(new LogContext());
    return WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(interceptors.toArray(WorkerInterceptor[]::new))
        .build();
  }

  /** Target, TLS (temporal.tls) and API key (temporal.apiKey, which turns TLS on by itself). */
  static WorkflowServiceStubsOptions serviceOptions(AgentConfig config) {
    AgentConfig.Temporal temporal = config.temporal();
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(temporal.address());
    AgentConfig.Tls tls = temporal.tls();
    if (tls != null) {
      try {
        options.setSslContext(TemporalTls.sslContext(path(tls.certChainFile()), path(tls.keyFile()),
            path(tls.caFile())));
      } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
        throw new IllegalArgumentException("temporal.tls: cannot use " + Stream.of(tls.certChainFile(),
            tls.keyFile(), tls.caFile()).filter(Objects::nonNull).collect(Collectors.joining(" / "))
            + ": " + e.getMessage(), e);
      }
    }
    if (temporal.apiKey() != null) {
      String apiKey = temporal.apiKey();
      options.addApiKey(() -> apiKey);
      if (tls == null) {
        options.setEnableHttps(true);
      }
    }
    return options.build();
  }

  private static Path path(String file) {
    return file == null ? null : Path.of(file);
  }

  private static void register(WorkflowClient client, AgentConfig config, String installedVersion,
                               List<OfflineInstall.Record> offlineInstalls, TemporalConnection temporal,
                               Duration timeout, Deadline deadline) {
    List<OfflineInstallReport> reports = offlineInstalls.stream().map(install -> new OfflineInstallReport(
        install.version(), install.previousVersion(), install.installedVersion(), install.outcome().name(),
        install.reason(), install.at())).toList();
    RobotRegistrationWorkflow workflow = client.newWorkflowStub(RobotRegistrationWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(OtaflowNames.robotRegistrationWorkflowId(config.robotId()))
            .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
            // A registration left over from an earlier start of this agent carries stale labels: replace it.
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING)
            // Nobody waits longer than this, so nothing should be left behind when the control plane is down.
            .setWorkflowExecutionTimeout(timeout)
            .build());
    String noAnswer = "the control plane did not register robot " + config.robotId() + " within "
        + timeout.toSeconds() + " s: is `otaflow server` running against " + config.temporal().address()
        + ", namespace " + config.temporal().namespace() + "?";
    // The SDK retries a server lost again (UNAVAILABLE) for a minute; the registration's deadline bounds the start
    // call too.
    ScheduledExecutorService deadlineTimer = Executors.newSingleThreadScheduledExecutor();
    try (Context.CancellableContext bounded = Context.current().withDeadline(deadline, deadlineTimer)) {
      bounded.run(() -> WorkflowClient.start(workflow::register, config.robotId(),
          new TreeMap<>(config.labels()), installedVersion, AGENT_VERSION, reports));
    } catch (WorkflowServiceException e) {
      throw temporal.failure(e);
    } finally {
      deadlineTimer.shutdownNow();
    }
    try {
      WorkflowStub.fromTyped(workflow).getResult(Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS)),
          TimeUnit.MILLISECONDS, Void.class);
    } catch (TimeoutException e) {
      throw new IllegalStateException(noAnswer, e);
    } catch (WorkflowFailedException e) {
      if (e.getCause() instanceof TimeoutFailure) {
        throw new IllegalStateException(noAnswer, e);
      }
      throw new IllegalStateException("registering robot " + config.robotId() + " failed: "
          + TemporalConnection.rootMessage(e), e);
    }
  }

  /** What the watchdog checks: the worker still runs. A JVM too stuck to run the check misses its pings too. */
  private static Optional<String> workerProblem(WorkerFactory factory, String taskQueue) {
    if (factory.isShutdown() || factory.isTerminated()) {
      return Optional.of("the worker polling " + taskQueue + " has shut down");
    }
    return Optional.empty();
  }

  public String taskQueue() {
    return OtaflowNames.robotTaskQueue(robotId);
  }

  @Override
  public void close() {
    systemd.close();
    stopTelemetry.run();
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    service.shutdownNow();
    metrics.close();
    tracing.close();
  }

  /** Where the robot's metrics are served ({@code /metrics}), -1 when its configuration serves none. */
  public int metricsPort() {
    return metrics.port();
  }
}
