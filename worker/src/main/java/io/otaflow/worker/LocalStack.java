package io.otaflow.worker;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.registry.FleetRegistry;
import io.otaflow.release.Release;
import io.otaflow.robotside.BuiltArtifact;
import io.otaflow.robotside.ReleaseArtifacts;
import io.otaflow.worker.artifacts.ArtifactServer;
import io.otaflow.worker.fleet.SimulatedFleet;
import io.otaflow.worker.temporal.EmbeddedTemporal;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Everything otaflow needs, in this process, under one data directory: the embedded Temporal server, the control
 * plane (connected to it by address, H2 file registry), the artifact server and a simulated fleet.
 */
public final class LocalStack implements AutoCloseable {

  /** The release every simulated robot leaves the factory with. */
  public static final String FACTORY_VERSION = "0.9.0";

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedTemporal temporal;
  private ConfigurableApplicationContext controlPlane;
  private ArtifactServer artifacts;
  private SimulatedFleet fleet;

  private LocalStack() {
  }

  /**
   * @param extraRobotActivities registered on every robot's task queue besides the robot-side activities
   */
  public static LocalStack start(Path dataDir, int robots, Object... extraRobotActivities) {
    LocalStack stack = new LocalStack();
    try {
      stack.startAll(dataDir, robots, extraRobotActivities);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Path dataDir, int robots, Object[] extraRobotActivities) {
    temporal = track(EmbeddedTemporal.start());
    controlPlane = track(ControlPlaneApplication.start(Map.of(
        "spring.temporal.connection.target", temporal.target(),
        "otaflow.temporal.test-server", "true",
        "otaflow.data-dir", dataDir.toString())));
    artifacts = track(ArtifactServer.start(createDirectories(dataDir.resolve("artifacts"))));
    BuiltArtifact factory = buildArtifact(FACTORY_VERSION);
    fleet = track(SimulatedFleet.start(dataDir.resolve("fleet"), robots, factory.path(), FACTORY_VERSION,
        registry(), client(), extraRobotActivities));
  }

  /** Builds {@code version}'s artifact, serves it, and registers the release with the control plane. */
  public Release publish(String version, String changelog) {
    BuiltArtifact artifact = buildArtifact(version);
    Release release = artifact.toRelease(version, artifacts.url(artifact.path().getFileName().toString()), changelog);
    return rollouts().registerRelease(release);
  }

  private BuiltArtifact buildArtifact(String version) {
    return ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-" + version + ".tar.gz"), version);
  }

  public RolloutService rollouts() {
    return controlPlane.getBean(RolloutService.class);
  }

  public FleetRegistry registry() {
    return controlPlane.getBean(FleetRegistry.class);
  }

  public WorkflowClient client() {
    return controlPlane.getBean(WorkflowClient.class);
  }

  public SimulatedFleet fleet() {
    return fleet;
  }

  private <T extends AutoCloseable> T track(T resource) {
    started.push(resource);
    return resource;
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Stops in reverse order: robots first, the Temporal server last. */
  @Override
  public void close() {
    RuntimeException failure = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("local stack did not stop cleanly", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
