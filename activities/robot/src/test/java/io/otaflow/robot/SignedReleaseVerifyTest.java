package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.StagedArtifact;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ManifestVerifier;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A robot that trusts a key refuses, in {@code verify}, every release its signed manifest does not vouch for, and
 * leaves its installed slot, {@code current} and state.json exactly as they were; the staged download is deleted.
 */
class SignedReleaseVerifyTest extends RobotSideTestSupport {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final KeyPair TRUSTED = ManifestSigner.generate();
  private static final KeyPair STRANGER = ManifestSigner.generate();
  private static final Map<String, String> ROBOT_LABELS = Map.of("site", "paris", "model", "mk2");

  private TestActivityEnvironment signedEnv;
  private DownloadActivities signedDownload;
  private SlotActivities signedSlots;

  @BeforeEach
  void startRobotWithTrustedKey() {
    ManifestVerifier verifier = new ManifestVerifier(
        Map.of(ManifestSigner.keyId(TRUSTED.getPublic()), TRUSTED.getPublic()), Clock.fixed(NOW, ZoneOffset.UTC));
    signedEnv = TestActivityEnvironment.newInstance();
    signedEnv.registerActivitiesImplementations(
        new HttpDownloadActivities(disk, dir -> Long.MAX_VALUE, meters,
            new HttpDownloadActivities.Limits(Duration.ofSeconds(1), 1024, Duration.ofSeconds(30)),
            new ReleaseManifestCheck(verifier, ROBOT_LABELS)),
        new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters, ApplyHooks.defaults(disk.dir()),
            PassingProbes.ROUND));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    signedDownload = signedEnv.newActivityStub(DownloadActivities.class, options);
    signedSlots = signedEnv.newActivityStub(SlotActivities.class, options);
  }

  @AfterEach
  void stopRobotWithTrustedKey() {
    signedEnv.close();
  }

  // ---- refusals ----

  @Test
  void alteredManifestIsABadSignature() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = servedRelease("2.0.0");
    SignedManifest genuine = sign(manifest(v2, 8, false, NOW.plus(Duration.ofDays(1))), TRUSTED);
    // Raised to release number 99 after signing: the signature no longer covers what the manifest says.
    ReleaseManifest altered = manifest(v2, 99, false, NOW.plus(Duration.ofDays(1)));
    Release tampered = v2.withSignedManifest(
        new SignedManifest(altered, genuine.keyId(), genuine.signature()).toJson());

    ApplicationFailure failure = refusedAndUntouched(tampered);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.BAD_SIGNATURE);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: signature: does not match the manifest (key " + keyId(TRUSTED) + ")");
  }

  @Test
  void manifestSignedByAnUntrustedKeyIsAnUnknownKey() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = servedRelease("2.0.0");
    Release byStranger = v2.withSignedManifest(
        sign(manifest(v2, 8, false, NOW.plus(Duration.ofDays(1))), STRANGER).toJson());

    ApplicationFailure failure = refusedAndUntouched(byStranger);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.UNKNOWN_KEY);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: signature: key " + keyId(STRANGER) + " is not trusted");
  }

  @Test
  void expiredManifestIsRefused() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = servedRelease("2.0.0");
    Instant expired = NOW.minus(Duration.ofHours(1));
    Release replayed = v2.withSignedManifest(sign(manifest(v2, 8, false, expired), TRUSTED).toJson());

    ApplicationFailure failure = refusedAndUntouched(replayed);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.MANIFEST_EXPIRED);
    assertThat(failure.getOriginalMessage()).isEqualTo("verify: manifest: expired at " + expired);
  }

  @Test
  void lowerReleaseNumberWithoutSignedRollbackIsADowngrade() throws Exception {
    installSigned("1.0.0", 7);
    Release old = signedRelease("0.8.0", 4, false);

    ApplicationFailure failure = refusedAndUntouched(old);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNGRADE);
    assertThat(failure.getOriginalMessage()).isEqualTo("verify: manifest: release number 4 is lower than installed 7"
        + " and the manifest is not a signed rollback");
  }

  @Test
  void manifestForAnotherArtifactIsAHashMismatch() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = servedRelease("2.0.0");
    BuiltArtifact other = ReleaseArtifacts.build(temp.resolve("other/2.0.1.tar.gz"), "2.0.1");
    ReleaseManifest forOther = new ReleaseManifest("2.0.0", other.sha256(), v2.sizeBytes(), Map.of(),
        NOW.plus(Duration.ofDays(1)), 8, false);
    assertThat(other.sha256()).isNotEqualTo(v2.sha256());
    Release mixed = v2.withSignedManifest(sign(forOther, TRUSTED).toJson());

    ApplicationFailure failure = refusedAndUntouched(mixed);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HASH_MISMATCH);
    assertThat(failure.getOriginalMessage()).isEqualTo("verify: manifest: artifact sha256 "
        + v2.sha256().substring(0, 8) + "… does not match the manifest's " + other.sha256().substring(0, 8) + "…");
  }

  @Test
  void manifestForAnotherVersionIsRefused() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = servedRelease("2.0.0");
    ReleaseManifest for201 = new ReleaseManifest("2.0.1", v2.sha256(), v2.sizeBytes(), Map.of(),
        NOW.plus(Duration.ofDays(1)), 8, false);
    Release mislabelled = v2.withSignedManifest(sign(for201, TRUSTED).toJson());

    ApplicationFailure failure = refusedAndUntouched(mislabelled);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.MANIFEST_MISMATCH);
    assertThat(failure.getOriginalMessage()).isEqualTo("verify: manifest is for 2.0.1, release is 2.0.0");
  }

  @Test
  void manifestSignedForAnImageIsRefusedForAnArchive() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = servedRelease("2.0.0");
    String image = "registry.example.test/robots/perception@sha256:" + v2.sha256();
    ReleaseManifest forImage = new ReleaseManifest("2.0.0", v2.sha256(), v2.sizeBytes(), Map.of(),
        NOW.plus(Duration.ofDays(1)), 8, false, image);
    Release archive = v2.withSignedManifest(sign(forImage, TRUSTED).toJson());

    ApplicationFailure failure = refusedAndUntouched(archive);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.MANIFEST_MISMATCH);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: manifest is for image " + image + ", release 2.0.0 is an archive");
  }

  @Test
  void unsignedReleaseIsRefusedByARobotWithTrustedKeys() throws Exception {
    installSigned("1.0.0", 7);
    Release unsigned = servedRelease("2.0.0");

    ApplicationFailure failure = refusedAndUntouched(unsigned);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.UNSIGNED_RELEASE);
    assertThat(failure.getOriginalMessage()).isEqualTo("verify: release 2.0.0 is not signed");
  }

  @Test
  void unreadableManifestIsRefused() throws Exception {
    installSigned("1.0.0", 7);
    Release garbled = servedRelease("2.0.0").withSignedManifest("{\"manifest\": 42}");

    ApplicationFailure failure = refusedAndUntouched(garbled);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.MANIFEST_INVALID);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: release 2.0.0 has an unreadable signed manifest: manifest: expected a JSON object");
  }

  @Test
  void releaseTargetingAnotherValueOfALabelIsRefusedNamingIt() throws Exception {
    installSigned("1.0.0", 7);
    Release forBerlin = targetedRelease("2.0.0", Map.of("model", "mk2", "site", "berlin"));

    ApplicationFailure failure = refusedAndUntouched(forBerlin);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.NOT_TARGETED);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: release 2.0.0 targets site=berlin, this robot has site=paris");
  }

  @Test
  void releaseTargetingALabelTheRobotLacksIsRefusedNamingIt() throws Exception {
    installSigned("1.0.0", 7);

    ApplicationFailure failure = refusedAndUntouched(targetedRelease("2.0.0", Map.of("region", "eu")));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.NOT_TARGETED);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: release 2.0.0 targets region=eu, this robot has no label 'region'");
  }

  @Test
  void robotWithoutTrustedKeysStillRefusesAReleaseTargetedAtOthers() throws Exception {
    Release elsewhere = targetedRelease("1.0.0", Map.of("site", "berlin"));
    StagedArtifact staged = download.download(elsewhere);

    // The robot of the base class has neither keys nor labels.
    ApplicationFailure failure = failureOf(() -> download.verify(elsewhere, staged));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.NOT_TARGETED);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: release 1.0.0 targets site=berlin, this robot has no label 'site'");
    assertThat(listing(disk.staging())).isEmpty();
  }

  // ---- acceptance, and the release number on the robot ----

  @Test
  void releaseTargetingSomeOfTheRobotsLabelsIsAccepted() throws Exception {
    installSigned("1.0.0", 7);

    installSigned(targetedRelease("2.0.0", Map.of("site", "paris")));
    installSigned(targetedRelease("3.0.0", Map.of("site", "paris", "model", "mk2")));

    assertThat(currentVersion()).isEqualTo("3.0.0");
  }

  @Test
  void signedRollbackToALowerReleaseNumberIsAccepted() throws Exception {
    installSigned("1.0.0", 7);
    Release rollback = signedRelease("0.8.0", 4, true);

    StagedArtifact staged = signedDownload.download(rollback);
    signedDownload.verify(rollback, staged);
    signedSlots.apply(rollback, staged);

    assertThat(currentVersion()).isEqualTo("0.8.0");
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("0.8.0", "a", "1.0.0", "b", false, 4, 7));
  }

  @Test
  void applyRecordsTheManifestsReleaseNumberAndRollbackRestoresThePreviousOne() throws Exception {
    installSigned("1.0.0", 7);
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true, 7, 0));
    Release v2 = signedRelease("2.0.0", 8, false);

    StagedArtifact staged = signedDownload.download(v2);
    signedDownload.verify(v2, staged);
    signedSlots.apply(v2, staged);

    assertThat(disk.readState()).isEqualTo(new RobotDiskState("2.0.0", "a", "1.0.0", "b", false, 8, 7));
    assertThat(Files.readString(disk.stateFile())).contains("\"releaseNumber\" : 8", "\"previousReleaseNumber\" : 7");

    assertThat(signedSlots.rollback(v2)).isEqualTo("1.0.0");

    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true, 7, 0));
    // Back on 7, the robot again refuses what release 7 would refuse.
    ApplicationFailure failure = refusedAndUntouched(signedRelease("0.8.0", 4, false));
    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNGRADE);
  }

  @Test
  void rollbackOfAnotherReleaseKeepsTheNumbers() throws Exception {
    installSigned("1.0.0", 7);
    Release v2 = signedRelease("2.0.0", 8, false);
    installSigned(v2);

    assertThat(signedSlots.rollback(signedRelease("3.0.0", 9, false))).isEqualTo("2.0.0");

    assertThat(disk.readState()).isEqualTo(new RobotDiskState("2.0.0", "a", "1.0.0", "b", true, 8, 7));
  }

  @Test
  void unsignedReleaseKeepsTheReleaseNumberOnARobotWithoutKeys() throws Exception {
    installSigned("1.0.0", 7);
    Release unsigned = servedRelease("2.0.0");

    install(unsigned); // the robot of the base class has no trusted keys

    assertThat(disk.readState()).isEqualTo(new RobotDiskState("2.0.0", "a", "1.0.0", "b", true, 7, 7));
    assertThat(slots.rollback(unsigned)).isEqualTo("1.0.0");
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true, 7, 0));
  }

  @Test
  void robotWithoutTrustedKeysAcceptsUnsignedAndUncheckedSignedReleases() throws Exception {
    Release byStranger = servedRelease("1.0.0");
    byStranger = byStranger.withSignedManifest(
        sign(manifest(byStranger, 3, false, NOW.plus(Duration.ofDays(1))), STRANGER).toJson());

    install(byStranger);
    install(servedRelease("2.0.0"));

    assertThat(currentVersion()).isEqualTo("2.0.0");
    assertThat(disk.readState().releaseNumber()).isEqualTo(3);
  }

  @Test
  void stateWrittenBeforeReleaseNumbersReadsAsZero() throws Exception {
    Files.writeString(disk.stateFile(), """
        {
          "installedVersion" : "1.0.0",
          "activeSlot" : "b",
          "previousVersion" : null,
          "previousSlot" : null,
          "committed" : true
        }
        """);

    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true, 0, 0));
  }

  // ---- helpers ----

  /** verify refuses {@code release}: the staged file is gone and slots, current and state.json are as before. */
  private ApplicationFailure refusedAndUntouched(Release release) throws Exception {
    StagedArtifact staged = signedDownload.download(release);
    String stateBefore = stateJson();
    Path linkBefore = Files.readSymbolicLink(disk.current());
    String versionBefore = currentVersion();
    var activeBefore = listing(disk.current());

    ApplicationFailure failure = failureOf(() -> signedDownload.verify(release, staged));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).startsWith("verify: ");
    assertThat(Path.of(staged.path())).doesNotExist();
    assertThat(stateJson()).isEqualTo(stateBefore);
    assertThat(Files.readSymbolicLink(disk.current())).isEqualTo(linkBefore);
    assertThat(currentVersion()).isEqualTo(versionBefore);
    assertThat(listing(disk.current())).containsExactlyInAnyOrderElementsOf(activeBefore);
    return failure;
  }

  private void installSigned(String version, long releaseNumber) {
    installSigned(signedRelease(version, releaseNumber, false));
  }

  private void installSigned(Release release) {
    StagedArtifact staged = signedDownload.download(release);
    signedDownload.verify(release, staged);
    signedSlots.apply(release, staged);
    signedSlots.commit(release);
  }

  private Release signedRelease(String version, long releaseNumber, boolean rollback) {
    Release release = servedRelease(version);
    return release.withSignedManifest(
        sign(manifest(release, releaseNumber, rollback, NOW.plus(Duration.ofDays(1))), TRUSTED).toJson());
  }

  /** {@code version} signed by the trusted key for robots with {@code targetLabels}, as release number 8. */
  private Release targetedRelease(String version, Map<String, String> targetLabels) {
    Release release = servedRelease(version);
    ReleaseManifest manifest = new ReleaseManifest(version, release.sha256(), release.sizeBytes(), targetLabels,
        NOW.plus(Duration.ofDays(1)), 8, false);
    return release.withSignedManifest(sign(manifest, TRUSTED).toJson());
  }

  private static ReleaseManifest manifest(Release release, long releaseNumber, boolean rollback, Instant expiresAt) {
    return new ReleaseManifest(release.version(), release.sha256(), release.sizeBytes(), Map.of(), expiresAt,
        releaseNumber, rollback);
  }

  private static SignedManifest sign(ReleaseManifest manifest, KeyPair key) {
    return ManifestSigner.sign(manifest, key.getPrivate(), key.getPublic());
  }

  private static String keyId(KeyPair key) {
    return ManifestSigner.keyId(key.getPublic());
  }
}
