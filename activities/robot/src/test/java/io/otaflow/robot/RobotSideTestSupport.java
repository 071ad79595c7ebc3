package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.HealthActivities;
import io.otaflow.robotupdate.SlotActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real robot disk under a temp dir with a healthy robot's sensors.json, a real HTTP server, and the activities run by
 * Temporal's test environment.
 */
abstract class RobotSideTestSupport {

  @TempDir
  Path temp;

  ArtifactServer server;
  TestActivityEnvironment env;
  SimpleMeterRegistry meters;
  RobotDisk disk;
  DownloadActivities download;
  SlotActivities slots;
  HealthActivities health;
  final List<Integer> heartbeats = new CopyOnWriteArrayList<>();
  long freeBytes = Long.MAX_VALUE;

  @BeforeEach
  void startRobot() throws IOException {
    server = new ArtifactServer();
    meters = new SimpleMeterRegistry();
    disk = new RobotDisk(temp.resolve("robot"));
    RobotSensors.healthy().write(disk.dir());
    env = TestActivityEnvironment.newInstance();
    SensorHealthActivities robotHealth = new SensorHealthActivities(disk,
        RobotSideActivities.defaults(disk.dir()).sensors(), HealthThresholds.defaults(), List.of(), meters);
    env.registerActivitiesImplementations(
        new HttpDownloadActivities(disk, dir -> freeBytes, meters,
            new HttpDownloadActivities.Limits(Duration.ofSeconds(1), 1024, Duration.ofSeconds(30)),
            ReleaseManifestCheck.noTrustedKeys()),
        new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters, ApplyHooks.defaults(disk.dir()),
            robotHealth::checkRunning),
        robotHealth);
    env.setActivityHeartbeatListener(DownloadProgress.class, progress -> heartbeats.add(progress.percent()));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    download = env.newActivityStub(DownloadActivities.class, options);
    slots = env.newActivityStub(SlotActivities.class, options);
    health = env.newActivityStub(HealthActivities.class, options);
  }

  @AfterEach
  void stopRobot() {
    env.close();
    server.close();
  }

  /** Builds release {@code version} and serves it; returns the release robots would be told about. */
  Release servedRelease(String version) {
    BuiltArtifact artifact = ReleaseArtifacts.build(temp.resolve("releases/" + version + ".tar.gz"), version);
    String url = server.file("/releases/" + version + ".tar.gz", artifact.path());
    return artifact.toRelease(version, url, "test release " + version);
  }

  /** Downloads, verifies, applies and commits: a full successful update. */
  void install(Release release) {
    var staged = download.download(release);
    download.verify(release, staged);
    slots.apply(release, staged);
    slots.commit(release);
  }

  static ApplicationFailure failureOf(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ActivityFailure.class);
    assertThat(thrown.getCause()).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown.getCause();
  }

  String currentVersion() throws IOException {
    return Files.readString(disk.current().resolve("VERSION")).trim();
  }

  String stateJson() throws IOException {
    return Files.exists(disk.stateFile()) ? Files.readString(disk.stateFile()) : "";
  }

  static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
