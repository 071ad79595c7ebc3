package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.ImageReference;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.SlotSwitch;
import io.otaflow.robotupdate.StagedArtifact;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ManifestVerifier;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.testtools.LocalImageRegistry;
import io.otaflow.testtools.PodmanService;
import io.otaflow.testtools.TestImages;
import io.temporal.failure.ApplicationFailure;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image installer against real parts: Debian's docker-registry on loopback and Podman's Docker-compatible API
 * service on a Unix socket, with images pushed from scratch. Each test has a repository of its own.
 */
class ContainerImageActivitiesTest {

  private static final AtomicInteger REPOSITORIES = new AtomicInteger();
  private static final KeyPair KEY = ManifestSigner.generate();

  @TempDir
  static Path shared;
  private static LocalImageRegistry registry;
  private static PodmanService podman;
  private static ContainerEngine engine;

  @TempDir
  Path robotDir;
  private RobotDisk disk;
  private String repository;
  private ContainerImageActivities images;
  private Path hookLog;

  @BeforeAll
  static void startRegistryAndEngine() throws Exception {
    registry = LocalImageRegistry.start(Files.createDirectories(shared.resolve("registry")));
    podman = PodmanService.start(Files.createDirectories(shared.resolve("podman")), registry.host());
    engine = new ContainerEngine(new ContainerEngine.Connection(podman.host(), null, null));
  }

  @AfterAll
  static void stopRegistryAndEngine() throws Exception {
    if (engine != null) {
      engine.close();
    }
    if (podman != null) {
      podman.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @BeforeEach
  void robot() {
    disk = new RobotDisk(robotDir);
    repository = registry.host() + "/robots/perception-" + REPOSITORIES.incrementAndGet();
    hookLog = robotDir.resolve("hooks.log");
    images = installer(app(2), ReleaseManifestCheck.noTrustedKeys());
  }

  // ---- the saga's steps ----

  @Test
  void pullByDigestThenApplyMovesTheAppsTagAndCommitKeepsIt() throws Exception {
    Release v1 = pushed("1.0.0");

    StagedArtifact staged = images.download(v1);
    images.verify(v1, staged);
    SlotSwitch applied = images.apply(v1, staged);
    images.commit(v1);

    assertThat(staged.path()).isEqualTo(v1.image());
    assertThat(taggedDigest()).isEqualTo(digestOf(v1));
    assertThat(applied).isEqualTo(new SlotSwitch(ContainerImageActivities.NO_IMAGE, digestOf(v1), null));
    RobotDiskState state = disk.readState();
    assertThat(state.installedVersion()).isEqualTo("1.0.0");
    assertThat(state.committed()).isTrue();
    assertThat(state.app("perception")).isEqualTo(new RobotDiskState.AppImages(v1.image(), null));
    assertThat(Files.readAllLines(hookLog)).containsExactly("stop", "start");
  }

  @Test
  void downloadOfAnImageAlreadyPulledIsANoOp() throws Exception {
    Release v1 = pushed("1.0.0");
    images.download(v1);

    StagedArtifact again = images.download(v1);

    assertThat(again).isEqualTo(new StagedArtifact(v1.image(), v1.sha256(), v1.sizeBytes()));
  }

  @Test
  void imageTheEngineHoldsUnderAnotherRepositoryIsPulledUnderThisOneToo() throws Exception {
    String elsewhere = "robots/mirror-" + REPOSITORIES.incrementAndGet();
    TestImages.Pushed mirrored = TestImages.push(registry.host(), elsewhere, "1.0.0", "perception 1.0.0");
    engine.pull(ImageReference.parse(registry.host() + "/" + elsewhere + "@"
        + mirrored.digest()), progress -> { });
    Release v1 = pushed("1.0.0");
    assertThat(digestOf(v1)).as("the same bytes, so the same digest").isEqualTo(mirrored.digest());

    StagedArtifact staged = images.download(v1);
    images.verify(v1, staged);

    assertThat(engine.inspect(v1.image()).orElseThrow().repoDigests()).contains(v1.image());
  }

  @Test
  void rollbackMovesTheTagBackToThePreviousDigestAndRunsTheHooks() throws Exception {
    Release v1 = pushed("1.0.0");
    Release v2 = pushed("2.0.0");
    install(v1);
    StagedArtifact staged = images.download(v2);
    images.verify(v2, staged);
    assertThat(images.apply(v2, staged)).isEqualTo(new SlotSwitch(digestOf(v1), digestOf(v2), "1.0.0"));
    Files.delete(hookLog);

    String running = images.rollback(v2);

    assertThat(running).isEqualTo("1.0.0");
    assertThat(taggedDigest()).isEqualTo(digestOf(v1));
    RobotDiskState state = disk.readState();
    assertThat(state.installedVersion()).isEqualTo("1.0.0");
    assertThat(state.rollingBackFrom()).isNull();
    assertThat(state.app("perception")).isEqualTo(new RobotDiskState.AppImages(v1.image(), null));
    assertThat(Files.readAllLines(hookLog)).containsExactly("stop", "start");
    assertThat(images.rollback(v2)).as("a retried rollback changes nothing").isEqualTo("1.0.0");
  }

  @Test
  void firstUpdateRemembersTheImageTheTagNamedAndRollbackReturnsToIt() throws Exception {
    Release factory = pushed("0.9.0");
    images.download(factory);
    engine.tag(factory.image(), repository, "current");
    Release v1 = pushed("1.0.0");
    StagedArtifact staged = images.download(v1);

    assertThat(images.apply(v1, staged)).isEqualTo(new SlotSwitch(digestOf(factory), digestOf(v1), null));
    images.rollback(v1);

    assertThat(taggedDigest()).isEqualTo(digestOf(factory));
    assertThat(disk.readState().app("perception")).isEqualTo(new RobotDiskState.AppImages(factory.image(), null));
  }

  @Test
  void applyRetriedAfterACrashBeforeTheTagMovedMovesIt() throws Exception {
    Release v1 = pushed("1.0.0");
    Release v2 = pushed("2.0.0");
    install(v1);
    StagedArtifact staged = images.download(v2);
    SlotSwitch first = images.apply(v2, staged);
    engine.tag(v1.image(), repository, "current"); // as if the agent died between state.json and the tag

    SlotSwitch retried = images.apply(v2, staged);

    assertThat(retried).isEqualTo(first);
    assertThat(taggedDigest()).isEqualTo(digestOf(v2));
  }

  @Test
  void failingAfterSwitchHookMovesTheTagBack() throws Exception {
    Release v1 = pushed("1.0.0");
    install(v1);
    Release v2 = pushed("2.0.0");
    images = installer(app(2), ReleaseManifestCheck.noTrustedKeys(), hooks().withAfterSwitch("exit 3"));
    StagedArtifact staged = images.download(v2);

    ApplicationFailure failure = failureOf(() -> images.apply(v2, staged));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HOOK_FAILED);
    assertThat(failure.getOriginalMessage()).startsWith("apply: afterSwitch ").endsWith(
        "(tag moved back to " + v1.image() + ")");
    assertThat(taggedDigest()).isEqualTo(digestOf(v1));
    assertThat(disk.readState().installedVersion()).isEqualTo("1.0.0");
  }

  @Test
  void commitPrunesImagesBeyondTheKeepCountButNeverTheRunningOrPreviousOne() throws Exception {
    List<Release> releases = List.of(pushed("1.0.0"), pushed("2.0.0"), pushed("3.0.0"), pushed("4.0.0"));
    for (Release release : releases) {
      install(release);
    }

    assertThat(engine.images(repository)).extracting(image -> image.repoDigests().get(0))
        .containsExactlyInAnyOrder(releases.get(3).image(), releases.get(2).image());
    assertThat(images.rollback(releases.get(3))).isEqualTo("3.0.0");
    assertThat(taggedDigest()).isEqualTo(digestOf(releases.get(2)));
  }

  @Test
  void serviceProbeAsksTheEngineWhatTheTagNames() throws Exception {
    Release v1 = pushed("1.0.0");
    Release v2 = pushed("2.0.0");
    install(v1);
    images.download(v2);
    RunningVersion running = RunningVersion.ofApp(disk, app(2), engine);

    assertThat(running.differsFrom("1.0.0")).isEmpty();
    assertThat(running.differsFrom("2.0.0")).contains("service: 2.0.0 is not installed (state.json: 1.0.0)");
    engine.tag(v2.image(), repository, "current"); // moved behind the agent's back
    assertThat(running.differsFrom("1.0.0")).hasValueSatisfying(why -> assertThat(why)
        .startsWith("service: " + repository + ":current names image ").endsWith(", not " + v1.image()));
  }

  // ---- refusals ----

  @Test
  void digestTheRegistryDoesNotHoldIsRefusedWithoutRetry() throws Exception {
    Release v1 = pushed("1.0.0");
    String absent = "0".repeat(64);
    Release unknown = new Release("1.0.1", null, absent, v1.sizeBytes(), "", null, repository + "@sha256:" + absent);

    ApplicationFailure failure = failureOf(() -> images.download(unknown));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(RobotErrors.CHECKSUM_MISMATCH);
    assertThat(failure.getOriginalMessage()).startsWith("download: pulling " + unknown.image() + " failed: ")
        .endsWith("(the registry does not have this digest)");
    assertThat(engine.images(repository)).isEmpty();
  }

  @Test
  void manifestSignedForAnotherDigestIsRefusedAtVerify() throws Exception {
    Release v1 = pushed("1.0.0");
    Release other = pushed("1.0.1");
    images = installer(app(2), new ReleaseManifestCheck(new ManifestVerifier(
        Map.of(ManifestSigner.keyId(KEY.getPublic()), KEY.getPublic()), Clock.systemUTC()), Map.of()));
    ReleaseManifest forOther = new ReleaseManifest("1.0.0", other.sha256(), v1.sizeBytes(), Map.of(),
        Instant.now().plus(Duration.ofDays(1)), 1, false, other.image());
    Release signed = v1.withSignedManifest(ManifestSigner.sign(forOther, KEY.getPrivate(), KEY.getPublic()).toJson());
    StagedArtifact staged = images.download(signed);

    ApplicationFailure failure = failureOf(() -> images.verify(signed, staged));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HASH_MISMATCH);
    assertThat(failure.getOriginalMessage()).startsWith("verify: ").contains(other.sha256().substring(0, 8));
    assertThat(disk.readState().app("perception").current()).isNull();
  }

  @Test
  void tagOnlyReferenceIsRefusedBeforeTheEngineIsAsked() throws Exception {
    Release v1 = pushed("1.0.0");
    Release byTag = new Release("1.0.0", null, v1.sha256(), v1.sizeBytes(), "", null, repository + ":1.0.0");

    ApplicationFailure failure = failureOf(() -> images.download(byTag));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo("ReleaseInvalid");
    assertThat(failure.getOriginalMessage()).contains(repository + ":1.0.0");
    assertThat(engine.images(repository)).isEmpty();
  }

  @Test
  void unreachableRegistryIsARetryableFailureNamingIt() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String nowhere = "127.0.0.1:" + closedPort + "/robots/perception";
    images = new ContainerImageActivities(disk, new ContainerApp("perception", nowhere, "current", 2,
        new ContainerEngine.Connection(podman.host(), null, null)), engine, ReleaseManifestCheck.noTrustedKeys(),
        hooks(), PassingProbes.ROUND, new SimpleMeterRegistry());
    String digest = "1".repeat(64);
    Release release = new Release("1.0.0", null, digest, 10, "", null, nowhere + "@sha256:" + digest);

    ApplicationFailure failure = failureOf(() -> images.download(release));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.getOriginalMessage()).startsWith("download: pulling " + release.image() + " failed: ");
  }

  @Test
  void unreachableEngineIsARetryableFailureNamingIt() throws Exception {
    Release v1 = pushed("1.0.0");
    String nowhere = "unix://" + robotDir.resolve("no-engine.sock");
    try (ContainerEngine absent = new ContainerEngine(new ContainerEngine.Connection(nowhere, null, null))) {
      images = new ContainerImageActivities(disk, app(2), absent, ReleaseManifestCheck.noTrustedKeys(), hooks(),
          PassingProbes.ROUND, new SimpleMeterRegistry());

      ApplicationFailure failure = failureOf(() -> images.download(v1));

      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getType()).isEqualTo(RobotSideErrors.ENGINE_FAILED);
      assertThat(failure.getOriginalMessage()).startsWith("download: container engine at " + nowhere + ": ");
    }
  }

  @Test
  void archiveReleaseAndImageOfAnotherRepositoryAreRefused() throws Exception {
    Release archive = new Release("1.0.0", "http://127.0.0.1:1/a.tar.gz", "a".repeat(64), 10, "", null);
    Release v1 = pushed("1.0.0");
    String elsewhere = registry.host() + "/robots/planner@" + v1.image().substring(v1.image().indexOf('@') + 1);
    Release otherApp = new Release("1.0.0", null, v1.sha256(), v1.sizeBytes(), "", null, elsewhere);

    ApplicationFailure archiveRefused = failureOf(() -> images.download(archive));
    ApplicationFailure otherRefused = failureOf(() -> images.apply(otherApp, null));

    assertThat(archiveRefused.getType()).isEqualTo(RobotSideErrors.UNSUPPORTED_ARTIFACT);
    assertThat(archiveRefused.getOriginalMessage()).isEqualTo("download: release 1.0.0 is an archive; this robot "
        + "runs perception as a container and installs images of " + repository + " only");
    assertThat(otherRefused.getOriginalMessage()).isEqualTo("apply: release 1.0.0 is an image of " + registry.host()
        + "/robots/planner; this robot's app perception runs " + repository);
  }

  // ---- helpers ----

  private ContainerApp app(int keepImages) {
    return new ContainerApp("perception", repository, "current", keepImages,
        new ContainerEngine.Connection(podman.host(), null, null));
  }

  private ContainerImageActivities installer(ContainerApp app, ReleaseManifestCheck check) {
    return installer(app, check, hooks());
  }

  private ContainerImageActivities installer(ContainerApp app, ReleaseManifestCheck check, ApplyHooks hooks) {
    return new ContainerImageActivities(disk, app, engine, check, hooks, PassingProbes.ROUND,
        new SimpleMeterRegistry());
  }

  /** What a step threw: called directly, not through Temporal, it is the activity's own failure. */
  private static ApplicationFailure failureOf(ThrowingCallable step) {
    ApplicationFailure failure = catchThrowableOfType(step, ApplicationFailure.class);
    assertThat(failure).as("the step's failure").isNotNull();
    return failure;
  }

  /** The commands that would stop and restart the app's unit, writing where the test reads. */
  private ApplyHooks hooks() {
    return new ApplyHooks(List.of("echo stop >> " + hookLog), List.of("echo start >> " + hookLog),
        Duration.ofSeconds(30), robotDir.resolve("kill-switch"));
  }

  /** Pushes an image of {@code version} to the test's repository: its release, pinned by digest. */
  private Release pushed(String version) throws Exception {
    String path = repository.substring(registry.host().length() + 1);
    TestImages.Pushed image = TestImages.push(registry.host(), path, version, "perception " + version);
    return new Release(version, null, image.digest().substring("sha256:".length()), image.sizeBytes(), "", null,
        repository + "@" + image.digest());
  }

  private void install(Release release) {
    StagedArtifact staged = images.download(release);
    images.verify(release, staged);
    images.apply(release, staged);
    images.commit(release);
  }

  /** The digest the app's tag names now, as the engine says. */
  private String taggedDigest() {
    return engine.inspect(repository + ":current").orElseThrow().repoDigests().stream()
        .filter(name -> name.startsWith(repository + "@")).findFirst().map(name -> name.substring(name.indexOf('@')
            + 1)).orElseThrow();
  }

  private static String digestOf(Release release) {
    return release.image().substring(release.image().indexOf('@') + 1);
  }
}
