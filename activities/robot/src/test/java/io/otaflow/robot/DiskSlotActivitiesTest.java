package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.SlotSwitch;
import io.otaflow.robotupdate.StagedArtifact;
import io.otaflow.signing.ArtifactDigest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DiskSlotActivitiesTest extends RobotSideTestSupport {

  @Test
  void downloadVerifyApplyCommitSwitchesCurrentToTheNewSlot() throws Exception {
    Release release = servedRelease("1.0.0");

    StagedArtifact staged = download.download(release);
    download.verify(release, staged);
    SlotSwitch result = slots.apply(release, staged);

    assertThat(result).isEqualTo(new SlotSwitch("a", "b", null));
    assertThat(Files.readSymbolicLink(disk.current())).isEqualTo(Path.of("slots", "b"));
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, false));
    assertThat(Files.getPosixFilePermissions(disk.current().resolve("bin/robot-service")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(disk.current().resolve("lib/payload.bin")).hasSize(ReleaseArtifacts.PAYLOAD_BYTES);
    assertThat(Files.readString(disk.current().resolve("manifest.json")))
        .contains("\"version\" : \"1.0.0\"", "\"bin/robot-service\"", "\"etc/robot-service.conf\"");

    slots.commit(release);

    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true));
    assertThat(listing(disk.staging())).isEmpty();
    assertThat(listing(disk.dir())).noneMatch(p -> p.getFileName().toString().contains(".tmp-"));
    assertThat(meters.get("otaflow.agent.apply.duration").tag("outcome", "switched").timer().count()).isEqualTo(1);
  }

  @Test
  void secondReleaseGoesToTheOtherSlotAndRemembersTheFirst() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");

    StagedArtifact staged = download.download(v2);
    SlotSwitch result = slots.apply(v2, staged);

    assertThat(result).isEqualTo(new SlotSwitch("b", "a", "1.0.0"));
    assertThat(currentVersion()).isEqualTo("2.0.0");
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("2.0.0", "a", "1.0.0", "b", false));
  }

  @Test
  void applyIsIdempotent() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = download.download(v2);

    SlotSwitch first = slots.apply(v2, staged);
    SlotSwitch retried = slots.apply(v2, staged);

    assertThat(retried).isEqualTo(first);
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("2.0.0", "a", "1.0.0", "b", false));
  }

  @Test
  void applyRepairsCurrentWhenACrashLeftItBehindTheState() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = download.download(v2);
    slots.apply(v2, staged);
    disk.switchCurrentTo("b"); // as if the robot died between writing state.json and switching the link

    slots.apply(v2, staged);

    assertThat(disk.currentSlot()).isEqualTo("a");
    assertThat(currentVersion()).isEqualTo("2.0.0");
  }

  @Test
  void unreadableArchiveIsRefusedAndLeavesTheRobotAsItWas() throws Exception {
    install(servedRelease("1.0.0"));
    byte[] junk = new byte[50_000];
    new Random(7).nextBytes(junk);
    Path junkFile = temp.resolve("junk.tar.gz");
    Files.write(junkFile, junk);
    Release release = new Release("2.0.0", server.bytes("/junk", junk), ArtifactDigest.sha256Hex(junkFile),
        junk.length, "", null);
    String stateBefore = stateJson();

    StagedArtifact staged = download.download(release);
    download.verify(release, staged);
    ApplicationFailure failure = failureOf(() -> slots.apply(release, staged));

    assertThat(failure.getType()).isEqualTo(RobotErrors.ARCHIVE_INVALID);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).startsWith("apply: archive unreadable: ");
    assertRobotUntouched(stateBefore);
    assertThat(meters.get("otaflow.agent.apply.duration").tag("outcome", "refused").timer().count()).isEqualTo(1);
  }

  @Test
  void stagedArchiveReplacedAfterVerifyIsRefusedBeforeTheSwitch() throws Exception {
    install(servedRelease("1.0.0"));
    Path verified = TestArchives.create(temp.resolve("verified.tar.gz")).file("VERSION", "2.0.0").done();
    Release release = localRelease(verified);
    StagedArtifact staged = staged(verified);
    download.verify(release, staged);
    String stateBefore = stateJson();
    // A valid archive of the same version, written over the staged file once verify has passed it.
    Path other = TestArchives.create(temp.resolve("other.tar.gz")).file("VERSION", "2.0.0").file("x", "y").done();
    Files.copy(other, Path.of(staged.path()), StandardCopyOption.REPLACE_EXISTING);

    ApplicationFailure failure = failureOf(() -> slots.apply(release, staged));

    assertThat(failure.getType()).isEqualTo(RobotErrors.CHECKSUM_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).startsWith("apply: sha256 of the unpacked archive is ")
        .endsWith(" changed after verify; nothing switched)");
    assertRobotUntouched(stateBefore);
  }

  @Test
  void bytesAppendedAfterTheArchiveEndAreHashedToo() throws Exception {
    install(servedRelease("1.0.0"));
    Path verified = TestArchives.create(temp.resolve("verified.tar.gz")).file("VERSION", "2.0.0").done();
    Release release = localRelease(verified);
    StagedArtifact staged = staged(verified);
    String stateBefore = stateJson();
    // Unpacking stops at the gzip member's end: what follows must still count.
    Files.write(Path.of(staged.path()), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

    ApplicationFailure failure = failureOf(() -> slots.apply(release, staged));

    assertThat(failure.getType()).isEqualTo(RobotErrors.CHECKSUM_MISMATCH);
    assertRobotUntouched(stateBefore);
  }

  @Test
  void refusesZipSlip() throws Exception {
    assertRefused(TestArchives.create(temp.resolve("slip.tar.gz"))
            .file("VERSION", "2.0.0").file("../evil", "owned"),
        "apply: archive entry '../evil' has a '..' component");
    assertThat(disk.dir().resolve("slots/evil")).doesNotExist();
  }

  @Test
  void refusesAbsolutePaths() throws Exception {
    Path outside = temp.resolve("outside.txt");
    assertRefused(TestArchives.create(temp.resolve("abs.tar.gz"))
            .file("VERSION", "2.0.0").file(outside.toString(), "owned"),
        "apply: archive entry '" + outside + "' has an absolute or unsafe path");
    assertThat(outside).doesNotExist();
  }

  @Test
  void refusesSymlinksPointingOutsideTheSlot() throws Exception {
    assertRefused(TestArchives.create(temp.resolve("link.tar.gz"))
            .file("VERSION", "2.0.0").symlink("etc/passwd", "../../../../etc/passwd"),
        "apply: archive entry 'etc/passwd' is a symlink pointing outside the slot (../../../../etc/passwd)");
  }

  @Test
  void refusesSymlinkChainsThatLeaveTheSlotOnDisk() throws Exception {
    // Each target looks inside on paper; followed on disk, "here/.." is the slot's parent.
    assertRefused(TestArchives.create(temp.resolve("chain.tar.gz"))
            .file("VERSION", "2.0.0").symlink("here", ".").symlink("sub/escape", "../here/../b"),
        "apply: archive entry 'sub/escape' is a symlink pointing outside the slot (../here/../b)");
  }

  @Test
  void refusesFifos() throws Exception {
    assertRefused(TestArchives.create(temp.resolve("fifo.tar.gz")).file("VERSION", "2.0.0").fifo("pipe"),
        "apply: archive entry 'pipe' is a device or fifo");
  }

  @Test
  void refusesAnArchiveOfAnotherVersion() throws Exception {
    assertRefused(TestArchives.create(temp.resolve("other.tar.gz")).file("VERSION", "3.0.0"),
        "apply: archive VERSION is 3.0.0, release is 2.0.0");
  }

  @Test
  void refusesArchivesThatExpandBeyondTheLimit() throws Exception {
    install(servedRelease("1.0.0"));
    String stateBefore = stateJson();
    Path archive = TestArchives.create(temp.resolve("big.tar.gz"))
        .file("VERSION", "2.0.0").file("big.bin", "x".repeat(5000)).done();
    DiskSlotActivities small = new DiskSlotActivities(disk, 1000, meters, ApplyHooks.defaults(disk.dir()),
        PassingProbes.ROUND);

    Release release = localRelease(archive);
    StagedArtifact staged = staged(archive);
    ApplicationFailure failure = failureOf(() -> small.apply(release, staged), true);

    assertThat(failure.getType()).isEqualTo(RobotErrors.ARCHIVE_INVALID);
    assertThat(failure.getOriginalMessage()).isEqualTo("apply: archive expands to more than 1000 bytes (at entry 'big.bin')");
    assertRobotUntouched(stateBefore);
  }

  @Test
  void rollbackRestoresThePreviousSlotAndIsIdempotent() throws Exception {
    Release v1 = servedRelease("1.0.0");
    install(v1);
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = download.download(v2);
    slots.apply(v2, staged);

    assertThat(slots.rollback(v2)).isEqualTo("1.0.0");

    assertThat(Files.readSymbolicLink(disk.current())).isEqualTo(Path.of("slots", "b"));
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true));
    assertThat(listing(disk.staging())).isEmpty();
    String stateAfter = stateJson();

    assertThat(slots.rollback(v2)).isEqualTo("1.0.0");
    assertThat(failureOf(() -> slots.rollback(v1)).getOriginalMessage())
        .isEqualTo("rollback: no previous release on this robot, still running 1.0.0");
    assertThat(stateJson()).isEqualTo(stateAfter);
    assertThat(currentVersion()).isEqualTo("1.0.0");
  }

  @Test
  void rollbackOfAReleaseThatIsNotActiveChangesNothing() throws Exception {
    install(servedRelease("1.0.0"));
    String stateBefore = stateJson();

    assertThat(slots.rollback(servedRelease("9.9.9"))).isEqualTo("1.0.0");

    assertThat(stateJson()).isEqualTo(stateBefore);
    assertThat(currentVersion()).isEqualTo("1.0.0");
  }

  @Test
  void commitOfAReleaseThatIsNotActiveIsRefused() throws Exception {
    install(servedRelease("1.0.0"));

    ApplicationFailure failure = failureOf(() -> slots.commit(servedRelease("2.0.0")));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.NOT_ACTIVE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("commit: 2.0.0 is not the active version (active: 1.0.0)");
  }

  @Test
  void seededRobotRunsItsReleaseAndTreatsItAsAlreadyApplied() throws Exception {
    BuiltArtifact artifact = ReleaseArtifacts.build(temp.resolve("seed/1.0.0.tar.gz"), "1.0.0");
    RobotDisk seeded = RobotDisk.seed(temp.resolve("seeded"), artifact.path(), "1.0.0");

    assertThat(Files.readString(seeded.current().resolve("VERSION")).trim()).isEqualTo("1.0.0");
    assertThat(seeded.readState()).isEqualTo(new RobotDiskState("1.0.0", "b", null, null, true));
    SlotSwitch again = new DiskSlotActivities(seeded, 1 << 30, meters, ApplyHooks.defaults(seeded.dir()),
        PassingProbes.ROUND)
        .apply(artifact.toRelease("1.0.0", "http://unused/", ""), new StagedArtifact(artifact.path().toString(),
            artifact.sha256(), artifact.sizeBytes()));
    assertThat(again).isEqualTo(new SlotSwitch("b", "b", "1.0.0"));
    assertThat(ReleaseArtifacts.build(temp.resolve("seed/again.tar.gz"), "1.0.0").sha256())
        .isEqualTo(artifact.sha256());
  }

  /** Applies a hand-made archive as release 2.0.0 on a robot running 1.0.0 and expects a refusal. */
  private void assertRefused(TestArchives archive, String message) throws Exception {
    install(servedRelease("1.0.0"));
    String stateBefore = stateJson();
    Path file = archive.done();
    Release release = localRelease(file);
    StagedArtifact staged = staged(file);

    ApplicationFailure failure = failureOf(() -> slots.apply(release, staged));

    assertThat(failure.getType()).isEqualTo(RobotErrors.ARCHIVE_INVALID);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo(message);
    assertRobotUntouched(stateBefore);
  }

  /** As before apply, and the refused artifact is gone from staging. */
  private void assertRobotUntouched(String stateBefore) throws Exception {
    assertThat(stateJson()).isEqualTo(stateBefore);
    assertThat(disk.currentSlot()).isEqualTo("b");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(listing(disk.slot("a"))).isEmpty();
    assertThat(listing(disk.staging())).isEmpty();
  }

  private static Release localRelease(Path archive) {
    return new Release("2.0.0", "http://127.0.0.1/unused", ArtifactDigest.sha256Hex(archive),
        archive.toFile().length(), "", null);
  }

  /** {@code archive} in staging as release 2.0.0, as download and verify leave it. */
  private StagedArtifact staged(Path archive) throws IOException {
    Path file = Files.copy(archive, disk.stagedArtifact("2.0.0"));
    return new StagedArtifact(file.toString(), ArtifactDigest.sha256Hex(file), Files.size(file));
  }

  private static ApplicationFailure failureOf(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      boolean direct) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(thrown).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown;
  }
}
