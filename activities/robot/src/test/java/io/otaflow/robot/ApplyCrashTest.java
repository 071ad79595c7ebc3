package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.StagedArtifact;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the process that applies a release at each step: in the middle of unpacking, just before and just after the
 * switch of {@code current} ({@code kill -9} of the JVM, from an apply hook or from the test), then checks that {@code current} still points at a complete slot and that the next apply finishes the job.
 */
class ApplyCrashTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** Run in a separate JVM: applies {@code args[1]} (version) staged at {@code args[2]} to the robot in args[0]. */
  public static final class ApplyInChildProcess {
    public static void main(String[] args) {
      RobotDisk disk = new RobotDisk(Path.of(args[0]));
      String crashAt = args[4];
      List<String> kill = List.of("kill -9 $PPID; sleep 10");
      ApplyHooks hooks = new ApplyHooks(crashAt.equals("before-switch") ? kill : List.of(),
          crashAt.equals("after-switch") ? kill : List.of(), Duration.ofSeconds(30), disk.dir().resolve("kill-switch"));
      new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, new SimpleMeterRegistry(), hooks,
          PassingProbes.ROUND)
          .apply(release(args[1], args[3]), new StagedArtifact(args[2], args[3], Long.parseLong(args[5])));
      System.exit(0);
    }
  }

  static Release release(String version, String sha256) {
    return new Release(version, "http://127.0.0.1/" + version + ".tar.gz", sha256, 1, "", null);
  }

  /**
   * {@code mid-unpack}: the archive reaches the child through a named pipe that the test fills only halfway, so the
   * child is certainly blocked inside the extraction when it is killed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mid-unpack", "before-switch", "after-switch"})
  void crashAtAnyStepLeavesCurrentOnACompleteSlot(String crashAt) throws Exception {
    Path robotDir = dir.resolve("robot");
    BuiltArtifact v1 = ReleaseArtifacts.build(dir.resolve("v1.tar.gz"), "1.0.0");
    RobotDisk.seed(robotDir, v1.path(), "1.0.0");
    BuiltArtifact v2 = ReleaseArtifacts.build(dir.resolve("v2.tar.gz"), "2.0.0");
    Path source = v2.path();
    if (crashAt.equals("mid-unpack")) {
      source = dir.resolve("v2.pipe");
      assertThat(new ProcessBuilder("mkfifo", source.toString()).start().waitFor()).isZero();
    }

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ApplyInChildProcess.class.getName(),
        robotDir.toString(), "2.0.0", source.toString(), v2.sha256(), crashAt, String.valueOf(v2.sizeBytes()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    if (crashAt.equals("mid-unpack")) {
      byte[] archive = Files.readAllBytes(v2.path());
      try (OutputStream pipe = Files.newOutputStream(source)) {
        // Returns once the child has taken all but at most a pipe buffer (64 KiB) of these bytes.
        pipe.write(archive, 0, archive.length / 2);
        pipe.flush();
        child.destroyForcibly();
      }
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed (137), log: %s", log()).isEqualTo(137);

    RobotDisk disk = new RobotDisk(robotDir);
    String expected = crashAt.equals("after-switch") ? "2.0.0" : "1.0.0";
    assertThat(Files.readString(disk.current().resolve("VERSION")).trim()).isEqualTo(expected);
    assertThat(disk.readState().installedVersion()).isEqualTo(expected);
    assertThat(disk.current().resolve("bin/robot-service")).isExecutable();
    if (crashAt.equals("mid-unpack")) {
      try (var partial = Files.list(disk.slot(RobotDisk.otherSlot(disk.readState().activeSlot())))) {
        assertThat(partial.count()).as("the child was killed while unpacking into the inactive slot").isPositive();
      }
    }

    // The interrupted apply is finished by the next one (the workflow's retry), and rollback still works.
    DiskSlotActivities slots = new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, new SimpleMeterRegistry(),
        ApplyHooks.defaults(disk.dir()), PassingProbes.ROUND);
    slots.apply(release("2.0.0", v2.sha256()), new StagedArtifact(v2.path().toString(), v2.sha256(),
        v2.sizeBytes()));
    assertThat(Files.readString(disk.current().resolve("VERSION")).trim()).isEqualTo("2.0.0");
    assertThat(slots.rollback(release("2.0.0", v2.sha256()))).isEqualTo("1.0.0");
    assertThat(Files.readString(disk.current().resolve("VERSION")).trim()).isEqualTo("1.0.0");
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("child.log"));
  }
}
