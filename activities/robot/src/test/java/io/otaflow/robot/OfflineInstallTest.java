package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ManifestVerifier;
import io.otaflow.signing.ReleaseManifest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release installed from a bundle with no network: the same checks as over the air, each refusal leaving the slot,
 * {@code current} and state.json untouched; a failing health gate rolls back; every install is recorded for the
 * control plane.
 */
class OfflineInstallTest {

  private static final KeyPair TRUSTED = ManifestSigner.generate();
  private static final KeyPair STRANGER = ManifestSigner.generate();
  private static final OfflineInstall.Options QUICK = new OfflineInstall.Options(Duration.ofSeconds(1), 2,
      Duration.ZERO);

  @TempDir
  Path temp;
  private Path robotDir;
  private RobotDisk disk;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @BeforeEach
  void robotOnSignedOneZero() throws Exception {
    robotDir = temp.resolve("robot");
    BuiltArtifact factory = ReleaseArtifacts.build(temp.resolve("factory.tar.gz"), "1.0.0");
    disk = RobotDisk.seed(robotDir, factory.path(), "1.0.0");
    RobotSensors.healthy().write(robotDir);
  }

  @Test
  void bundleInstallsCommitsAndIsRecordedForTheControlPlane() throws Exception {
    Path bundle = bundle(signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1))));

    OfflineInstall.Record record = installer(List.of()).install(bundle, QUICK);

    assertThat(record.outcome()).isEqualTo(OfflineInstall.Outcome.COMMITTED);
    assertThat(record.outcome().exitCode()).isZero();
    assertThat(Files.readString(disk.current().resolve("VERSION")).trim()).isEqualTo("2.0.0");
    RobotDiskState state = disk.readState();
    assertThat(state.installedVersion()).isEqualTo("2.0.0");
    assertThat(state.committed()).isTrue();
    assertThat(state.releaseNumber()).isEqualTo(5);
    assertThat(OfflineInstall.unreported(disk)).containsExactly(record);
    assertThat(record.previousVersion()).isEqualTo("1.0.0");
    assertThat(record.installedVersion()).isEqualTo("2.0.0");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("verified: sha256 ", "health round 2/2: healthy",
        "COMMITTED: 2.0.0 committed");

    OfflineInstall.markReported(disk, List.of(record));
    assertThat(OfflineInstall.unreported(disk)).isEmpty();
  }

  @Test
  void failingHealthGateRollsBackToTheRunningRelease() throws Exception {
    Path bundle = bundle(signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1))));
    HealthProbe notOnTwo = HealthProbe.command("app", "! grep -q 2.0.0 " + disk.current().resolve("VERSION"),
        Duration.ofSeconds(10));

    OfflineInstall.Record record = installer(List.of(notOnTwo)).install(bundle, QUICK);

    assertThat(record.outcome()).isEqualTo(OfflineInstall.Outcome.ROLLED_BACK);
    assertThat(record.outcome().exitCode()).isEqualTo(2);
    assertThat(record.reason()).startsWith("unhealthy on 2.0.0: app: ").endsWith("; rolled back to 1.0.0");
    assertThat(Files.readString(disk.current().resolve("VERSION")).trim()).isEqualTo("1.0.0");
    assertThat(disk.readState().installedVersion()).isEqualTo("1.0.0");
  }

  @Test
  void tamperedBundleIsRefusedAndTheSlotUntouched() throws Exception {
    Release release = signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1)));
    byte[] artifact = Files.readAllBytes(temp.resolve("2.0.0.tar.gz"));
    artifact[artifact.length / 2] ^= 0x5a;
    Path bundle = rawBundle(release, artifact);

    assertRefusedUntouched(bundle, "verify: sha256 mismatch: expected ");
  }

  @Test
  void expiredManifestIsRefused() throws Exception {
    Path bundle = bundle(signed("2.0.0", 5, TRUSTED, Instant.now().minus(Duration.ofHours(1))));

    assertRefusedUntouched(bundle, "verify: manifest: expired at ");
  }

  @Test
  void downgradeIsRefused() throws Exception {
    installer(List.of()).install(bundle(signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1)))),
        QUICK);
    Path older = bundle(signed("1.5.0", 3, TRUSTED, Instant.now().plus(Duration.ofDays(1))));

    assertRefusedUntouched(older, "verify: ");
    assertThat(OfflineInstall.unreported(disk).get(1).reason())
        .isEqualTo("verify: manifest: release number 3 is lower than installed 5 and the manifest is not a signed "
            + "rollback");
  }

  @Test
  void manifestSignedByAnUnknownKeyIsRefused() throws Exception {
    Path bundle = bundle(signed("2.0.0", 5, STRANGER, Instant.now().plus(Duration.ofDays(1))));

    assertRefusedUntouched(bundle, "verify: ");
    assertThat(OfflineInstall.unreported(disk).get(0).reason()).contains(ManifestSigner.keyId(STRANGER.getPublic()));
  }

  @Test
  void installIsRefusedWhileARolloutsUpdateIsInProgress() throws Exception {
    disk.writeState(disk.readState().withUpdatingRollout("spring-rollout"));
    Path bundle = bundle(signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1))));

    assertRefusedUntouched(bundle, "rollout spring-rollout's update is in progress on this robot");
  }

  @Test
  void bundleWithAnUnexpectedEntryIsRefused() throws Exception {
    Release release = signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1)));
    Path bundle = temp.resolve("extra.otaflow");
    ReleaseBundle.write(bundle, release, Files.newInputStream(temp.resolve("2.0.0.tar.gz")));
    byte[] withExtra = appendEntry(Files.readAllBytes(bundle), "../../etc/cron.d/evil", "* * * * * root sh");
    Files.write(bundle, withExtra);

    assertRefusedUntouched(bundle, "bundle extra.otaflow: ");
  }

  @Test
  void bytesThatAreNotTheReleasesAreNeverWrittenAsABundle() throws Exception {
    Release release = signed("2.0.0", 5, TRUSTED, Instant.now().plus(Duration.ofDays(1)));
    byte[] other = new byte[(int) release.sizeBytes()];
    Path out = temp.resolve("never.otaflow");

    assertThatThrownBy(() -> ReleaseBundle.write(out, release, new ByteArrayInputStream(other)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("artifact of 2.0.0: sha256 ");
    assertThat(out).doesNotExist();
    assertThat(temp.resolve("never.otaflow.tmp")).doesNotExist();
  }

  // ---- helpers ----

  private void assertRefusedUntouched(Path bundle, String reasonStart) throws Exception {
    String stateBefore = Files.readString(disk.stateFile());
    Path currentBefore = Files.readSymbolicLink(disk.current());
    int recordedBefore = OfflineInstall.unreported(disk).size();

    OfflineInstall.Record record = installer(List.of()).install(bundle, QUICK);

    assertThat(record.outcome()).isEqualTo(OfflineInstall.Outcome.REFUSED);
    assertThat(record.outcome().exitCode()).isEqualTo(1);
    assertThat(record.reason()).startsWith(reasonStart);
    assertThat(Files.readString(disk.stateFile())).isEqualTo(stateBefore);
    assertThat(Files.readSymbolicLink(disk.current())).isEqualTo(currentBefore);
    assertThat(listing(disk.staging())).isEmpty();
    assertThat(OfflineInstall.unreported(disk)).hasSize(recordedBefore + 1);
  }

  private OfflineInstall installer(List<HealthProbe> probes) {
    RobotSideActivities defaults = RobotSideActivities.defaults(robotDir).trusting(new ManifestVerifier(
        Map.of(ManifestSigner.keyId(TRUSTED.getPublic()), TRUSTED.getPublic()), Clock.systemUTC()));
    RobotSideActivities robot = new RobotSideActivities(defaults.manifestCheck(), defaults.hooks(),
        defaults.thresholds(), probes, defaults.safeState(), defaults.sensors(), null);
    return new OfflineInstall(disk, robot.forRobot(disk, new SimpleMeterRegistry()), Clock.systemUTC(),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  /** A release of {@code version} built into the test directory, its manifest signed by {@code key}. */
  private Release signed(String version, long releaseNumber, KeyPair key, Instant expiresAt) {
    BuiltArtifact artifact = ReleaseArtifacts.build(temp.resolve(version + ".tar.gz"), version);
    Release release = artifact.toRelease(version, "http://127.0.0.1:1/" + version + ".tar.gz", "");
    ReleaseManifest manifest = new ReleaseManifest(version, release.sha256(), release.sizeBytes(), Map.of(),
        expiresAt, releaseNumber, false);
    return release.withSignedManifest(ManifestSigner.sign(manifest, key.getPrivate(), key.getPublic()).toJson());
  }

  private Path bundle(Release release) throws Exception {
    Path bundle = temp.resolve("release-" + release.version() + ".otaflow");
    try (InputStream artifact = Files.newInputStream(temp.resolve(release.version() + ".tar.gz"))) {
      ReleaseBundle.write(bundle, release, artifact);
    }
    return bundle;
  }

  /** A bundle written by hand: the release's record and whatever artifact bytes the test gives. */
  private Path rawBundle(Release release, byte[] artifact) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] json = new ObjectMapper().writeValueAsBytes(release);
      put(tar, ReleaseBundle.RELEASE_ENTRY, json);
      put(tar, ReleaseBundle.ARTIFACT_ENTRY, artifact);
    }
    return Files.write(temp.resolve("raw.otaflow"), bytes.toByteArray());
  }

  /** The bundle's entries, then one more. */
  private static byte[] appendEntry(byte[] bundle, String name, String content) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);
         TarArchiveInputStream in = new TarArchiveInputStream(
             new ByteArrayInputStream(bundle))) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        put(tar, entry.getName(), in.readAllBytes());
      }
      put(tar, name, content.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws Exception {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static List<Path> listing(Path dir) throws Exception {
    try (var entries = Files.list(dir)) {
      return entries.toList();
    }
  }
}
