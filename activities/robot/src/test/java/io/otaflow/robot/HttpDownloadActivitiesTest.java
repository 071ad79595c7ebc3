package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class HttpDownloadActivitiesTest extends RobotSideTestSupport {

  @Test
  void downloadsIntoStagingHashingAndHeartbeating() throws Exception {
    Release release = servedRelease("1.0.0");

    StagedArtifact staged = download.download(release);
    download.verify(release, staged);

    Path file = disk.staging().resolve("1.0.0.tar.gz");
    assertThat(staged.path()).isEqualTo(file.toString());
    assertThat(staged.sha256()).isEqualTo(release.sha256());
    assertThat(staged.sizeBytes()).isEqualTo(release.sizeBytes()).isGreaterThan(ReleaseArtifacts.PAYLOAD_BYTES);
    assertThat(Files.size(file)).isEqualTo(release.sizeBytes());
    assertThat(listing(disk.staging())).containsExactly(file);
    // The SDK throttles heartbeats, so only some of the percentages reach the listener.
    assertThat(heartbeats).isNotEmpty().allMatch(percent -> percent >= 0 && percent <= 100);
    assertThat(meters.get("otaflow.agent.download.bytes").counter().count()).isEqualTo(release.sizeBytes());
  }

  @Test
  void checksumMismatchDeletesTheStagedFileAndAppliesNothing() throws Exception {
    Release served = servedRelease("1.0.0");
    String wrongSha = "ab".repeat(32);
    Release release = new Release("1.0.0", served.artifactUrl(), wrongSha, served.sizeBytes(), "", null);

    StagedArtifact staged = download.download(release);
    ApplicationFailure failure = failureOf(() -> download.verify(release, staged));

    assertThat(failure.getType()).isEqualTo(RobotErrors.CHECKSUM_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: sha256 mismatch: expected abababab…, got " + served.sha256().substring(0, 8) + "…");
    assertThat(listing(disk.staging())).isEmpty();
    assertThat(disk.readState()).isEqualTo(RobotDiskState.fresh());
    assertThat(listing(disk.slot("b"))).isEmpty();
  }

  @Test
  void bodyEndingEarlyIsARetryableTruncation() throws Exception {
    byte[] body = new byte[100_000];
    String url = server.chunked("/short", Arrays.copyOf(body, 60_000));
    Release release = release(url, body.length);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).isEqualTo("download: truncated after 60000 of 100000 bytes from " + url);
    // Kept for the next attempt, which resumes from the bytes forced to disk (recorded beside it).
    assertThat(listing(disk.staging())).containsExactlyInAnyOrder(disk.staging().resolve("1.0.0.tar.gz.part"),
        disk.staging().resolve("1.0.0.tar.gz.part.durable"));
    assertThat(Files.size(disk.staging().resolve("1.0.0.tar.gz.part"))).isEqualTo(60_000);
  }

  @Test
  void connectionDroppedMidBodyIsARetryableTruncation() throws Exception {
    byte[] body = new byte[300_000];
    String url = server.closesEarly("/dropped", body, 100_000);
    Release release = release(url, body.length);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).startsWith("download: truncated after ").contains(" of 300000 bytes from " + url);
    assertThat(listing(disk.staging())).containsExactlyInAnyOrder(disk.staging().resolve("1.0.0.tar.gz.part"),
        disk.staging().resolve("1.0.0.tar.gz.part.durable"));
  }

  @Test
  void stalledBodyIsAbandonedAndRetryable() throws Exception {
    byte[] body = new byte[300_000];
    String url = server.stalls("/stalls", body, 100_000);
    Release release = release(url, body.length);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).startsWith("download: stalled, no data for 1s after ")
        .endsWith(" of 300000 bytes from " + url);
    assertThat(listing(disk.staging())).containsExactlyInAnyOrder(disk.staging().resolve("1.0.0.tar.gz.part"),
        disk.staging().resolve("1.0.0.tar.gz.part.durable"));
  }

  @Test
  void serverAnnouncingAShorterFileIsASizeMismatch() throws Exception {
    String url = server.bytes("/smaller", new byte[1000]);
    Release release = release(url, 2000);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotErrors.SIZE_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("download: server announces 1000 bytes, release declares 2000 bytes (" + url + ")");
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void endlessBodyStopsOneByteAfterTheDeclaredSize() throws Exception {
    String url = server.chunked("/endless", new byte[5_000_000]);
    Release release = release(url, 1000);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotErrors.SIZE_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("download: server sent more than the declared 1000 bytes from " + url);
    assertThat(meters.get("otaflow.agent.download.bytes").counter().count()).isEqualTo(1001);
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void serverAnnouncingALargerFileIsRefusedBeforeReading() throws Exception {
    String url = server.bytes("/larger", new byte[3000]);
    Release release = release(url, 1000);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotErrors.SIZE_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("download: server announces 3000 bytes, release declares 1000 bytes (" + url + ")");
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void notFoundIsPermanent() throws Exception {
    String url = server.status("/missing", 404);

    ApplicationFailure failure = failureOf(() -> download.download(release(url, 1000)));

    assertThat(failure.getType()).isEqualTo(RobotErrors.ARTIFACT_UNAVAILABLE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("download: HTTP 404 from " + url);
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void aContainerImageReleaseIsRefusedByEveryArchiveStepNamingIt() {
    String sha = "c".repeat(64);
    Release image = new Release("2.0.0", null, sha, 4096, "", null, "registry.example.test/perception@sha256:" + sha);
    StagedArtifact staged = new StagedArtifact(disk.stagedArtifact("2.0.0").toString(), sha, 4096);

    for (var step : List.<Map.Entry<String, ThrowingCallable>>of(
        Map.entry("download", () -> download.download(image)),
        Map.entry("verify", () -> download.verify(image, staged)),
        Map.entry("apply", () -> slots.apply(image, staged)))) {
      ApplicationFailure failure = failureOf(step.getValue());

      assertThat(failure.getType()).isEqualTo(RobotSideErrors.UNSUPPORTED_ARTIFACT);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).isEqualTo(step.getKey() + ": release 2.0.0 is a container image ("
          + image.image() + "); this robot installs archives only (no container app in its agent.yaml)");
    }
    assertThat(disk.readState().installedVersion()).isNull();
  }

  @Test
  void refusedDownloadAlsoRemovesAStaleStagedFileOfItsVersion() throws Exception {
    Files.write(disk.stagedArtifact("1.0.0"), new byte[10]); // left by an attempt of an older agent, say
    String url = server.status("/missing", 404);

    ApplicationFailure failure = failureOf(() -> download.download(release(url, 1000)));

    assertThat(failure.getType()).isEqualTo(RobotErrors.ARTIFACT_UNAVAILABLE);
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void serverErrorIsRetryable() throws Exception {
    String url = server.status("/broken", 500);

    ApplicationFailure failure = failureOf(() -> download.download(release(url, 1000)));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).isEqualTo("download: HTTP 500 from " + url + " (server error, will retry)");
  }

  @Test
  void unreachableServerIsRetryable() {
    String url = server.url("/x");
    server.close();

    ApplicationFailure failure = failureOf(() -> download.download(release(url, 1000)));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).startsWith("download: cannot fetch " + url + ": ");
  }

  @Test
  void fullDiskIsRefusedBeforeDownloading() throws Exception {
    Release release = servedRelease("1.0.0");
    freeBytes = 4096;

    ApplicationFailure failure = failureOf(() -> download.download(release));

    long needed = release.sizeBytes() + HttpDownloadActivities.SPACE_MARGIN_BYTES;
    assertThat(failure.getType()).isEqualTo(RobotErrors.DISK_FULL);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo(
        "download: needs " + needed + " bytes, only 4096 free on " + disk.staging());
    assertThat(listing(disk.staging())).isEmpty();
    assertThat(meters.get("otaflow.agent.download.bytes").counter().count()).isZero();
  }

  @Test
  void freeSpaceCountsWhatTheInactiveSlotHoldsForApplyClearsIt() throws Exception {
    install(servedRelease("1.0.0"));
    install(servedRelease("2.0.0"));
    long inactiveSlotBytes = disk.slotBytes("b"); // 1.0.0, unpacked
    Release release = servedRelease("3.0.0");
    // Room for the download; for unpacking it too only once apply has emptied the inactive slot.
    freeBytes = 2 * release.sizeBytes() + HttpDownloadActivities.SPACE_MARGIN_BYTES - inactiveSlotBytes;
    assertThat(inactiveSlotBytes).isPositive().isLessThanOrEqualTo(release.sizeBytes());

    StagedArtifact staged = download.download(release);

    assertThat(Path.of(staged.path())).hasSize(release.sizeBytes());
  }

  @Test
  void freeSpaceAndTheInactiveSlotTogetherFallingShortIsAFullDisk() throws Exception {
    install(servedRelease("1.0.0"));
    install(servedRelease("2.0.0"));
    long inactiveSlotBytes = disk.slotBytes("b");
    Release release = servedRelease("3.0.0");
    long needed = 2 * release.sizeBytes() + HttpDownloadActivities.SPACE_MARGIN_BYTES;
    freeBytes = needed - inactiveSlotBytes - 1;

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotErrors.DISK_FULL);
    assertThat(failure.getOriginalMessage()).isEqualTo("download: the update needs " + needed + " bytes (the"
        + " artifact, then as much unpacked), only " + freeBytes + " free on " + disk.staging() + " and "
        + inactiveSlotBytes + " in inactive slot b, which apply empties");
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void verifyRefusesAStagedFileOfTheWrongSize() throws Exception {
    Release release = servedRelease("1.0.0");
    StagedArtifact staged = download.download(release);
    Files.write(Path.of(staged.path()), new byte[10]);

    ApplicationFailure failure = failureOf(() -> download.verify(release, staged));

    assertThat(failure.getType()).isEqualTo(RobotErrors.SIZE_MISMATCH);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("verify: size mismatch: expected " + release.sizeBytes() + " bytes, got 10");
    assertThat(listing(disk.staging())).isEmpty();
  }

  @Test
  void aRetriedDownloadReusesAVerifiedStagedFile() throws Exception {
    Release release = servedRelease("1.0.0");
    download.download(release);
    double received = meters.get("otaflow.agent.download.bytes").counter().count();

    StagedArtifact again = download.download(release);

    assertThat(again.sha256()).isEqualTo(release.sha256());
    assertThat(meters.get("otaflow.agent.download.bytes").counter().count()).isEqualTo(received);
  }

  private static Release release(String url, long size) {
    return new Release("1.0.0", url, "00".repeat(32), size, "", null);
  }
}
