package io.otaflow.worker;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.registry.FleetRegistry;
import io.otaflow.release.Release;
import io.otaflow.robotside.BuiltArtifact;
import io.otaflow.robotside.ReleaseArtifacts;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ManifestVerifier;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import io.otaflow.worker.artifacts.ArtifactServer;
import io.otaflow.worker.fleet.SimulatedFleet;
import io.otaflow.worker.temporal.EmbeddedTemporal;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Everything otaflow needs, in this process, under one data directory: the embedded Temporal server, the control
 * plane (connected to it by address, H2 file registry), the artifact server and a simulated fleet.
 */
public final class LocalStack implements AutoCloseable {

  /** The release every simulated robot leaves the factory with. */
  public static final String FACTORY_VERSION = "0.9.0";
  /** How long a manifest signed by {@link #publish} is accepted by robots. */
  public static final Duration MANIFEST_VALIDITY = Duration.ofDays(1);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedTemporal temporal;
  private ConfigurableApplicationContext controlPlane;
  private ArtifactServer artifacts;
  private SimulatedFleet fleet;
  /** Signs every release this stack publishes; the simulated robots trust its public key and nothing else. */
  private final KeyPair signingKey = ManifestSigner.generate();
  private final Map<String, Release> published = new HashMap<>();
  private long lastReleaseNumber;

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
        registry(), client(), trustedKeys(), extraRobotActivities));
  }

  /**
   * Builds {@code version}'s artifact, serves it, signs its manifest with the stack's key (the next release number,
   * valid for {@link #MANIFEST_VALIDITY}) and registers the release with the control plane. Publishing a version
   * again returns the release published first.
   */
  public synchronized Release publish(String version, String changelog) {
    Release known = published.get(version);
    if (known != null) {
      return known;
    }
    BuiltArtifact artifact = buildArtifact(version);
    Release release = artifact.toRelease(version, artifacts.url(artifact.path().getFileName().toString()), changelog);
    ReleaseManifest manifest = new ReleaseManifest(version, artifact.sha256(), artifact.sizeBytes(), Map.of(),
        Instant.now().plus(MANIFEST_VALIDITY).truncatedTo(ChronoUnit.SECONDS), ++lastReleaseNumber, false);
    SignedManifest signed = ManifestSigner.sign(manifest, signingKey.getPrivate(), signingKey.getPublic());
    Release registered = rollouts().registerRelease(release.withSignedManifest(signed.toJson()));
    published.put(version, registered);
    return registered;
  }

  /** The keys the simulated robots trust: the stack's signing key alone. */
  public ManifestVerifier trustedKeys() {
    return new ManifestVerifier(Map.of(ManifestSigner.keyId(signingKey.getPublic()), signingKey.getPublic()),
        Clock.systemUTC());
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
