package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.StagedArtifact;
import io.otaflow.signing.ArtifactDigest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A retried download resumes where the previous attempt's bytes are sure to be instead of starting over. */
class HttpDownloadResumeTest extends RobotSideTestSupport {

  private static final int SIZE = 300_000;
  private static final int OFFSET = 100_000;

  private final byte[] body = randomBytes(SIZE);

  @Test
  void resumedDownloadAsksForTheRestOnlyAndEndsWithTheRightHash() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/ranged", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + OFFSET + "-");
    assertThat(served.servedBytes.get()).isEqualTo(SIZE - OFFSET);
    assertThat(staged.sha256()).isEqualTo(release.sha256());
    assertThat(Files.readAllBytes(Path.of(staged.path()))).isEqualTo(body);
    assertThat(listing(disk.staging())).containsExactly(Path.of(staged.path()));
    assertThat(meters.get("otaflow.agent.download.bytes").counter().count()).isEqualTo(SIZE - OFFSET);
    download.verify(release, staged);
  }

  @Test
  void otherVersionsLeaveStagingAndTheOwnPartialFileResumes() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/ranged", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    // Refused, abandoned or never applied by earlier updates.
    Files.write(disk.stagedArtifact("0.9.0"), new byte[10]);
    Files.write(disk.partialArtifact("0.9.5"), new byte[10]);

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + OFFSET + "-");
    assertThat(listing(disk.staging())).containsExactly(Path.of(staged.path()));
  }

  @Test
  void serverIgnoringTheRangeIsDownloadedAgainFromTheStart() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/no-ranges", body, false, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + OFFSET + "-");
    assertThat(served.servedBytes.get()).isEqualTo(SIZE);
    assertThat(staged.sha256()).isEqualTo(release.sha256());
    assertThat(Files.readAllBytes(Path.of(staged.path()))).isEqualTo(body);
  }

  @Test
  void heartbeatBeyondThePartialFileStartsOver() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/lost-part", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    // The robot lost power before the bytes reached the disk: the file is shorter than the heartbeat says.
    Files.write(part(), Arrays.copyOf(body, OFFSET / 2));

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("null");
    assertThat(staged.sha256()).isEqualTo(release.sha256());
  }

  @Test
  void corruptedPartialFileIsCaughtByTheFinalHashAndTheNextAttemptStartsOver() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/corrupted", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    byte[] corrupted = Files.readAllBytes(part());
    corrupted[OFFSET / 2] ^= 1;
    Files.write(part(), corrupted);

    ApplicationFailure failure = failureOf(() -> download.download(release));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).isEqualTo("download: sha256 of 1.0.0 resumed at byte " + OFFSET
        + " does not match the release, partial file discarded; the next attempt starts from byte 0");
    assertThat(listing(disk.staging())).isEmpty();

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + OFFSET + "-", "null");
    assertThat(staged.sha256()).isEqualTo(release.sha256());
    download.verify(release, staged);
  }

  @Test
  void heartbeatOfAnOlderAgentWithADigestStateResumesByHashingTheDisk() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/old-heartbeat", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    env.setHeartbeatDetails(new DownloadProgressWithDigestState(OFFSET, "AAAA", OFFSET * 100 / SIZE));

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + OFFSET + "-");
    assertThat(staged.sha256()).isEqualTo(release.sha256());
  }

  /** What older agents heartbeated: BouncyCastle's encoded SHA-256 state beside the offset. */
  private record DownloadProgressWithDigestState(long offset, String sha256State, int percent) {
  }

  @Test
  void afterTheAgentAloneRestartedTheWholePartialFileResumes() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/agent-restarted", body, true, 0);
    Release release = release(served.url);
    // Killed with 2 * OFFSET + 5,000 bytes written, 2 * OFFSET of them forced, on this boot of the robot.
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    Files.write(part(), Arrays.copyOf(body, 2 * OFFSET + 5_000));
    DurableOffset.of(part()).record(2 * OFFSET);

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + (2 * OFFSET + 5_000) + "-");
    assertThat(served.servedBytes.get()).isEqualTo(SIZE - 2 * OFFSET - 5_000);
    assertThat(staged.sha256()).isEqualTo(release.sha256());
    assertThat(listing(disk.staging())).containsExactly(Path.of(staged.path()));
  }

  /**
   * The robot restarted (the record names another boot), or an agent that predates boot IDs wrote the record: only
   * forced bytes resume, and they beat an older heartbeat.
   */
  @ParameterizedTest
  @ValueSource(strings = {" 00000000-0000-0000-0000-000000000000", ""})
  void withoutProofOfThisBootOnlyForcedBytesResume(String bootField) throws Exception {
    ArtifactServer.Ranged served = server.ranged("/forced-only", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    Files.write(part(), Arrays.copyOf(body, 2 * OFFSET + 5_000));
    Files.writeString(DurableOffset.of(part()).file(), 2 * OFFSET + bootField);

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + 2 * OFFSET + "-");
    assertThat(staged.sha256()).isEqualTo(release.sha256());
    assertThat(listing(disk.staging())).containsExactly(Path.of(staged.path()));
  }

  @Test
  void recordedOffsetBeyondThePartialFileIsIgnored() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/record-lost-part", body, true, 0);
    Release release = release(served.url);
    previousAttemptLeftPartAndHeartbeat(OFFSET);
    recordOfAnotherBoot(SIZE);

    StagedArtifact staged = download.download(release);

    assertThat(served.ranges).containsExactly("bytes=" + OFFSET + "-");
    assertThat(staged.sha256()).isEqualTo(release.sha256());
  }

  @Test
  void tooSlowServerIsAbandonedRetryablyKeepingThePartialFile() throws Exception {
    ArtifactServer.Ranged served = server.ranged("/slow", body, true, 2_000);
    Release release = release(served.url);
    TestActivityEnvironment slowEnv = TestActivityEnvironment.newInstance();
    try {
      slowEnv.registerActivitiesImplementations(new HttpDownloadActivities(disk, dir -> Long.MAX_VALUE, new SimpleMeterRegistry(),
          new HttpDownloadActivities.Limits(Duration.ofSeconds(5), 10_000, Duration.ofSeconds(1)),
          ReleaseManifestCheck.noTrustedKeys()));
      DownloadActivities slow = slowEnv.newActivityStub(DownloadActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());

      ApplicationFailure failure = failureOf(() -> slow.download(release));

      assertThat(failure.getType()).isEqualTo(RobotSideErrors.DOWNLOAD_FAILED);
      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getOriginalMessage()).startsWith("download: too slow, ")
          .containsPattern("download: too slow, \\d+ B/s below the minimum 10000 B/s after \\d+ of 300000 bytes from ")
          .endsWith(served.url);
      assertThat(listing(disk.staging())).containsExactlyInAnyOrder(part(), DurableOffset.of(part()).file());
      assertThat(Files.size(part())).isPositive().isLessThan(SIZE);
      assertThat(DurableOffset.of(part()).read().orElseThrow().forced()).isPositive()
          .isLessThanOrEqualTo(Files.size(part()));
    } finally {
      slowEnv.close();
    }
  }

  /** What an attempt killed after {@code offset} bytes leaves: the partial file (a bit longer) and its heartbeat. */
  private void previousAttemptLeftPartAndHeartbeat(int offset) throws Exception {
    Files.createDirectories(disk.staging());
    // Bytes past the heartbeat reached the file but not the server: the resumed attempt must cut them off.
    Files.write(part(), Arrays.copyOf(body, offset + 5_000));
    env.setHeartbeatDetails(new DownloadProgress(offset, offset * 100 / SIZE));
  }

  /** The record a previous attempt left before the robot lost power and booted again. */
  private void recordOfAnotherBoot(long forced) throws Exception {
    Files.writeString(DurableOffset.of(part()).file(), forced + " 00000000-0000-0000-0000-000000000000");
  }

  private Path part() {
    return disk.staging().resolve("1.0.0.tar.gz.part");
  }

  private Release release(String url) {
    return new Release("1.0.0", url, HexFormat.of().formatHex(ArtifactDigest.sha256().digest(body)), SIZE, "", null);
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    return bytes;
  }
}
