package io.otaflow.devstack;

import io.micrometer.core.instrument.Metrics;
import io.otaflow.agent.RobotAgent;
import io.otaflow.agent.TelemetryReporter;
import io.otaflow.devstack.bench.BenchRobotActivities;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.registry.RobotRepository;
import io.otaflow.robot.ApplyHooks;
import io.otaflow.observability.LogContext;
import io.otaflow.robot.RefusalLogging;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.RobotSideActivities;
import io.otaflow.signing.ManifestVerifier;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A fleet of robots in this process: each has a real disk directory ({@link RobotDisk}) seeded with a factory release,
 * a row in the fleet registry, its own Temporal worker polling its own task queue, and its own robot token with which
 * it posts telemetry to the control plane over HTTP, as a real robot's agent would.
 */
public final class SimulatedFleet implements AutoCloseable {

  /**
   * Where and how often the simulated robots report: the agent's defaults are a sample a minute, sent every 5 minutes.
   *
   * @param robotTokens issues robot {@code robotId}'s own token
   */
  public record Telemetry(URI controlPlane, Function<String, String> robotTokens, Duration sampleInterval,
                          Duration sendInterval) {
  }

  /** A hot robot: its health gate fails on temperature. */
  public static final RobotSensors OVERHEATED = RobotSensors.healthy().withTemperatureC(93.0);

  private static final String[] SITES = {"lyon", "oslo"};

  private final Map<String, RobotDisk> disks;
  private final List<WorkerFactory> factories;
  private final List<TelemetryReporter> reporters = new ArrayList<>();
  /** Two threads report for the whole fleet: sampling and sending take little time. */
  private final ScheduledExecutorService telemetryTimer = Executors.newScheduledThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "simulated-fleet-telemetry");
    thread.setDaemon(true);
    return thread;
  });

  private SimulatedFleet(Map<String, RobotDisk> disks, List<WorkerFactory> factories) {
    this.disks = disks;
    this.factories = factories;
  }

  /**
   * Creates robots {@code robot-001}.. under {@code fleetDir}, each running {@code factoryVersion} unpacked from
   * {@code factoryArtifact}, registers them and starts their workers. The robots trust {@code trustedKeys} alone:
   * they refuse releases not signed by one of them, or signed for labels other than those they are registered with.
   */
  public static SimulatedFleet start(Path fleetDir, int size, Path factoryArtifact, String factoryVersion,
                                     RobotRepository registry, WorkflowClient client, ManifestVerifier trustedKeys,
                                     Telemetry telemetry) {
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    Map<String, RobotDisk> disks = new LinkedHashMap<>();
    List<WorkerFactory> factories = new ArrayList<>();
    SimulatedFleet fleet = new SimulatedFleet(disks, factories);
    try {
      for (int index = 1; index <= size; index++) {
        String robotId = robotId(index, size);
        RobotDisk disk = RobotDisk.seed(fleetDir.resolve(robotId), factoryArtifact, factoryVersion);
        // The robot's only sensor source (RobotSideActivities.defaults): without it the robot is never safe nor
        // healthy. Read at any age, as it is rewritten only to change a reading, so a long demo does not go stale.
        String switchSensors = SimulatedSensors.install(disk.dir(), RobotSensors.healthy());
        Map<String, String> labels = labels(index);
        registry.registerRobot(robotId, labels, factoryVersion, null);
        disks.put(robotId, disk);
        RobotSideActivities robotSide = RobotSideActivities.defaults(disk.dir()).trusting(trustedKeys)
            .labelled(labels).withHooks(ApplyHooks.defaults(disk.dir()).withAfterSwitch(switchSensors));
        factories.add(startWorker(client, robotId, disk, robotSide));
        // Simulated robots track no update step: their telemetry says none.
        fleet.reporters.add(new TelemetryReporter(robotId, RobotAgent.AGENT_VERSION, disk, robotSide.sensors(),
            () -> null, telemetry.controlPlane(), telemetry.robotTokens().apply(robotId), http, Clock.systemUTC())
            .start(fleet.telemetryTimer, telemetry.sampleInterval(), telemetry.sendInterval()));
      }
      return fleet;
    } catch (RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  /** {@code robot-001}..{@code robot-050}: zero-padded to at least three digits so IDs sort in fleet order. */
  public static String robotId(int index, int fleetSize) {
    int digits = Math.max(3, Integer.toString(fleetSize).length());
    return "robot-" + String.format("%0" + digits + "d", index);
  }

  public List<String> robotIds() {
    return List.copyOf(disks.keySet());
  }

  public RobotDisk disk(String robotId) {
    RobotDisk disk = disks.get(robotId);
    if (disk == null) {
      throw new IllegalArgumentException("no simulated robot " + robotId);
    }
    return disk;
  }

  /** Makes the robot show {@code readings} while it runs {@code version}, as a release that overheats it would. */
  public void whileRunning(String robotId, String version, RobotSensors readings) {
    SimulatedSensors.whileRunning(disk(robotId).dir(), version, readings);
  }

  /** Labels to target by: two sites alternating, and every third robot the newer mk2 model. */
  private static Map<String, String> labels(int index) {
    return Map.of("site", SITES[index % SITES.length], "model", index % 3 == 0 ? "mk2" : "mk1");
  }

  /**
   * Each robot gets its own factory, as a separate agent process would; a started factory takes no new workers.
   * One activity poller and a few slots keep a thousand robots affordable in one JVM. Besides the robot-side
   * activities, every robot serves the benchmark floor's no-op step.
   */
  private static WorkerFactory startWorker(WorkflowClient client, String robotId, RobotDisk disk,
                                           RobotSideActivities robotSide) {
    WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
        .setWorkflowCacheSize(1)
        .setMaxWorkflowThreadCount(1)
        // The log context last, so that it wraps the refusal's line too, as on a robot (RobotAgent).
        .setWorkerInterceptors(new RefusalLogging(), new LogContext())
        .build());
    Worker worker = factory.newWorker(OtaflowNames.robotTaskQueue(robotId), WorkerOptions.newBuilder()
        .setMaxConcurrentActivityTaskPollers(1)
        .setMaxConcurrentActivityExecutionSize(4)
        .setMaxConcurrentLocalActivityExecutionSize(1)
        .build());
    worker.registerActivitiesImplementations(robotSide.forRobot(disk, Metrics.globalRegistry));
    worker.registerActivitiesImplementations(new BenchRobotActivities.Noop());
    factory.start();
    return factory;
  }

  @Override
  public void close() {
    reporters.forEach(TelemetryReporter::close);
    telemetryTimer.shutdownNow();
    factories.forEach(WorkerFactory::shutdownNow);
    for (WorkerFactory factory : factories) {
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
