package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import io.otaflow.robotupdate.StagedArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills ({@code kill -9}) the process that rolls a robot back at each step: in the stop hook before the switch, in the
 * start hook after it, and during the probes on the previous release. Each time the robot is on a complete slot, and
 * the retry the workflow makes finishes the job: the previous release runs, its start hook ran, its probes passed.
 */
class RollbackCrashTest {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** Run in a separate JVM: rolls back {@code args[1]} on the robot in args[0], killing itself at {@code args[2]}. */
  public static final class RollbackInChildProcess {
    public static void main(String[] args) {
      RobotDisk disk = new RobotDisk(Path.of(args[0]));
      String crashAt = args[2];
      List<String> kill = List.of("kill -9 $PPID; sleep 10");
      ApplyHooks hooks = new ApplyHooks(crashAt.equals("before-switch") ? kill : List.of(),
          crashAt.equals("after-switch") ? kill : List.of(), Duration.ofSeconds(30), null);
      Function<String, HealthReport> probes = version -> {
        if (crashAt.equals("probes")) {
          killThisJvm();
        }
        return PassingProbes.ROUND.apply(version);
      };
      new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, new SimpleMeterRegistry(), hooks, probes)
          .rollback(ApplyCrashTest.release(args[1], "unused"));
      System.exit(0);
    }

    private static void killThisJvm() {
      try {
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
        Thread.sleep(10_000);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"before-switch", "after-switch", "probes"})
  void crashAtAnyStepOfARollbackIsFinishedByTheRetry(String crashAt) throws Exception {
    Path robotDir = dir.resolve("robot");
    BuiltArtifact v1 = ReleaseArtifacts.build(dir.resolve("v1.tar.gz"), "1.0.0");
    RobotDisk disk = RobotDisk.seed(robotDir, v1.path(), "1.0.0");
    BuiltArtifact v2 = ReleaseArtifacts.build(dir.resolve("v2.tar.gz"), "2.0.0");
    Release release = ApplyCrashTest.release("2.0.0", v2.sha256());
    new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, new SimpleMeterRegistry(),
        ApplyHooks.defaults(robotDir), PassingProbes.ROUND)
        .apply(release, new StagedArtifact(v2.path().toString(), v2.sha256(), v2.sizeBytes()));

    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), RollbackInChildProcess.class.getName(),
        robotDir.toString(), "2.0.0", crashAt)
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed (137), log: %s", Files.readString(dir.resolve("child.log")))
        .isEqualTo(137);

    String expected = crashAt.equals("before-switch") ? "2.0.0" : "1.0.0";
    assertThat(version(disk.current())).isEqualTo(expected);
    assertThat(disk.readState().installedVersion()).isEqualTo(expected);
    assertThat(disk.current().resolve("bin/robot-service")).isExecutable();

    Path hookLog = dir.resolve("hooks.log");
    List<String> probed = new ArrayList<>();
    DiskSlotActivities retry = new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES,
        new SimpleMeterRegistry(), new ApplyHooks(List.of(), List.of("cat " + disk.current().resolve("VERSION")
        + " >> " + hookLog), Duration.ofSeconds(30), null), version -> {
          probed.add(version);
          return new HealthReport(List.of(new ProbeResult("service", true, "running " + version)));
        });

    assertThat(retry.rollback(release)).isEqualTo("1.0.0");

    assertThat(version(disk.current())).isEqualTo("1.0.0");
    assertThat(Files.readAllLines(hookLog)).as("the start hook ran on the previous release").containsExactly("1.0.0");
    assertThat(probed).containsExactly("1.0.0");
    assertThat(disk.readState().rollingBackFrom()).isNull();
  }

  private static String version(Path current) throws IOException {
    return Files.readString(current.resolve("VERSION")).trim();
  }
}
