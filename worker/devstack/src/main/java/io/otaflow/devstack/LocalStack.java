package io.otaflow.devstack;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ManifestVerifier;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Everything otaflow needs, in this process, under one data directory: the embedded Temporal server, the control
 * plane (connected to it by address, H2 file registry, signing releases with a key made at start, its HTTP API on a
 * free loopback port, where the simulated robots post their telemetry), the artifact server and a simulated fleet.
 */
public final class LocalStack implements AutoCloseable {

  /** The release every simulated robot leaves the factory with. */
  public static final String FACTORY_VERSION = "0.9.0";
  /** How long a manifest the control plane signs for {@link #publish} is accepted by robots. */
  public static final Duration MANIFEST_VALIDITY = Duration.ofDays(1);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private EmbeddedTemporal temporal;
  private ConfigurableApplicationContext controlPlane;
  private ArtifactServer artifacts;
  private SimulatedFleet fleet;
  /** The control plane signs every release with it; the simulated robots trust its public key and nothing else. */
  private final KeyPair signingKey = ManifestSigner.generate();
  private final Map<String, Release> published = new HashMap<>();

  private LocalStack() {
  }

  /** The agent's defaults: a telemetry sample a minute, sent every 5 minutes. */
  public static final Duration SAMPLE_INTERVAL = Duration.ofMinutes(1);
  public static final Duration SEND_INTERVAL = Duration.ofMinutes(5);

  /** Starts everything under {@code dataDir}, with {@code robots} simulated robots; stage analyses are refused. */
  public static LocalStack start(Path dataDir, int robots) {
    return start(dataDir, robots, null);
  }

  /**
   * Starts everything under {@code dataDir}, with {@code robots} simulated robots reporting as agents do; stage
   * analyses query the Prometheus at {@code prometheusUrl} (null: none, and plans with an analysis are refused).
   */
  public static LocalStack start(Path dataDir, int robots, String prometheusUrl) {
    return start(dataDir, robots, prometheusUrl, SAMPLE_INTERVAL, SEND_INTERVAL);
  }

  /** As {@link #start(Path, int)}, the robots sampling and sending telemetry at these intervals. */
  public static LocalStack start(Path dataDir, int robots, Duration sampleInterval, Duration sendInterval) {
    return start(dataDir, robots, null, sampleInterval, sendInterval);
  }

  private static LocalStack start(Path dataDir, int robots, String prometheusUrl, Duration sampleInterval,
                                  Duration sendInterval) {
    LocalStack stack = new LocalStack();
    try {
      stack.startControlPlane(dataDir, null, prometheusUrl, true);
      stack.startFleet(dataDir, robots, sampleInterval, sendInterval);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * The server, the control plane and the artifact server, without a simulated fleet, and with the control plane's
   * worker not started: the caller runs the one worker of the control task queue (as
   * {@link io.otaflow.devstack.bench.InstantRolloutWorker} does; two workers with different workflow types on one
   * queue would take each other's tasks), and registers its robots in the registry itself. The registry is the
   * database at {@code databaseUrl} (null: H2 under {@code dataDir}).
   */
  public static LocalStack startWithoutControlWorker(Path dataDir, String databaseUrl) {
    LocalStack stack = new LocalStack();
    try {
      stack.startControlPlane(dataDir, databaseUrl, null, false);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startControlPlane(Path dataDir, String databaseUrl, String prometheusUrl, boolean controlWorker) {
    temporal = track(EmbeddedTemporal.start());
    Map<String, String> properties = new HashMap<>(Map.of(
        "spring.temporal.connection.target", temporal.target(),
        "server.port", "0",
        "management.server.port", "0",
        "otaflow.temporal.test-server", "true",
        "otaflow.data-dir", dataDir.toString(),
        "otaflow.signing.key-file", writeSigningKey(dataDir.resolve("keys")).toString(),
        "otaflow.signing.manifest-validity", MANIFEST_VALIDITY.toString()));
    if (databaseUrl != null) {
      properties.put("otaflow.database.url", databaseUrl);
    }
    if (prometheusUrl != null) {
      properties.put("otaflow.analysis.prometheus-url", prometheusUrl);
    }
    properties.put("spring.temporal.start-workers", Boolean.toString(controlWorker));
    controlPlane = track(ControlPlaneApplication.start(properties));
    artifacts = track(ArtifactServer.start(createDirectories(dataDir.resolve("artifacts"))));
  }

  private void startFleet(Path dataDir, int robots, Duration sampleInterval, Duration sendInterval) {
    BuiltArtifact factory = buildArtifact(FACTORY_VERSION);
    ApiTokens tokens = controlPlane.getBean(ApiTokens.class);
    fleet = track(SimulatedFleet.start(dataDir.resolve("fleet"), robots, factory.path(), FACTORY_VERSION,
        controlPlane.getBean(RobotRepository.class), client(), trustedKeys(), new SimulatedFleet.Telemetry(apiUrl(),
            robotId -> tokens.issueForRobot(robotId, ApiTokens.DEFAULT_EXPIRY, "local stack").token(),
            sampleInterval, sendInterval)));
  }

  /** The control plane's REST API, on loopback. */
  public URI apiUrl() {
    return URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) controlPlane).getWebServer().getPort());
  }

  /** The control plane's Prometheus metrics: what the central alerts read. */
  public MeterRegistry meters() {
    return controlPlane.getBean(MeterRegistry.class);
  }

  /**
   * Builds {@code version}'s artifact, serves it and registers the release with the control plane, which signs its
   * manifest (the next release number, valid for {@link #MANIFEST_VALIDITY}). Publishing a version again returns the
   * release published first.
   */
  public synchronized Release publish(String version, String changelog) {
    Release known = published.get(version);
    if (known != null) {
      return known;
    }
    BuiltArtifact artifact = buildArtifact(version);
    Release release = artifact.toRelease(version, artifacts.url(artifact.path().getFileName().toString()), changelog);
    Release registered = rollouts().registerRelease(release);
    published.put(version, registered);
    return registered;
  }

  /** Writes the signing key where the control plane reads it, under a name no earlier run of the stack used. */
  private Path writeSigningKey(Path dir) {
    Path privateKey = createDirectories(dir).resolve("local-stack-" + ManifestSigner.keyId(signingKey.getPublic())
        + ".key");
    ManifestSigner.writePrivateKey(privateKey, signingKey.getPrivate());
    ManifestSigner.writePublicKey(ManifestSigner.publicKeyFile(privateKey), signingKey.getPublic());
    return privateKey;
  }

  /** The keys the simulated robots trust: the stack's signing key alone. */
  private ManifestVerifier trustedKeys() {
    return new ManifestVerifier(Map.of(ManifestSigner.keyId(signingKey.getPublic()), signingKey.getPublic()),
        Clock.systemUTC());
  }

  private BuiltArtifact buildArtifact(String version) {
    return ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-" + version + ".tar.gz"), version);
  }

  public RolloutService rollouts() {
    return controlPlane.getBean(RolloutService.class);
  }

  /** Each rollout's robots and where each stands, as the control plane recorded them. */
  public RolloutRobotRepository rolloutRobots() {
    return controlPlane.getBean(RolloutRobotRepository.class);
  }

  /** Each rollout's audit trail: every status it took and every robot state, with when. */
  public RolloutEventLog events() {
    return controlPlane.getBean(RolloutEventLog.class);
  }

  /** The control plane's bean of {@code type}: its registry repositories and activities. */
  public <T> T controlPlaneBean(Class<T> type) {
    return controlPlane.getBean(type);
  }

  public WorkflowClient client() {
    return controlPlane.getBean(WorkflowClient.class);
  }

  /** The simulated fleet; null when started {@link #startWithoutControlWorker without one}. */
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
