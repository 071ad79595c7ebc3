package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robot.sensors.CommandSource;
import io.otaflow.robot.sensors.FileSource;
import io.otaflow.robot.sensors.HttpSource;
import io.otaflow.robot.sensors.LockFileSource;
import io.otaflow.robot.sensors.SensorSource;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.robot.sensors.SysfsSource;
import io.otaflow.robot.sensors.SysfsTree;
import io.otaflow.robotupdate.ProbeResult;
import io.otaflow.robotupdate.SafeStateAnswer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the source, a battery reading that cannot be had makes the robot not safe to update and its battery probe
 * fail, with the same reason naming the source; a robot is never declared safe or healthy on a default.
 */
class UnknownReadingsFailClosedTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  /** Only the battery rule, so the battery reading is the answer. */
  private static final SafeStateRules BATTERY_RULE = new SafeStateRules(false, false, 40, null, null);

  @TempDir
  Path temp;

  RobotDisk disk;
  Release release;

  @BeforeEach
  void robot() {
    disk = new RobotDisk(temp.resolve("robot"));
    release = ReleaseArtifacts.build(temp.resolve("1.0.0.tar.gz"), "1.0.0")
        .toRelease("1.0.0", "http://127.0.0.1:1/1.0.0.tar.gz", "test");
  }

  private void assertNotSafeAndUnhealthy(SensorSource source, String reason) {
    SensorSources sensors = new SensorSources(List.of(source), null);

    assertThat(new SafeStateActivities(disk, sensors, BATTERY_RULE, CLOCK).checkSafeState(release))
        .isEqualTo(SafeStateAnswer.notNow(reason));
    assertThat(new SensorHealthActivities(disk, sensors, HealthThresholds.defaults(), List.of(),
        new SimpleMeterRegistry()).check(release).probes().get(0))
        .isEqualTo(new ProbeResult("battery", false, reason));
  }

  @Test
  void sysfsWithoutTheBatteryCapacity() {
    SysfsTree sysfs = SysfsTree.chargingRobot(temp.resolve("sysfs")).delete("sys/class/power_supply/BAT0/capacity");

    assertNotSafeAndUnhealthy(new SysfsSource(sysfs.root()), "battery unknown: sysfs "
        + sysfs.file("sys/class/power_supply/BAT0/capacity") + ": missing");
  }

  @Test
  void aCommandThatExitsNonZero() {
    String command = "echo 'no battery topic' >&2; exit 1";

    assertNotSafeAndUnhealthy(new CommandSource(command, Duration.ofSeconds(10), Duration.ofSeconds(30), CLOCK),
        "battery unknown: command `" + command + "` exited 1: no battery topic");
  }

  @Test
  void anHttpEndpointThatIsNotReady() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/sensors", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/sensors";
      assertNotSafeAndUnhealthy(new HttpSource(url, Duration.ofSeconds(5), Duration.ofSeconds(30), CLOCK),
          "battery unknown: http " + url + ": answered 503, expected 200");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void aStaleFile() throws Exception {
    Path file = Files.writeString(temp.resolve("sensors.json"), "{\"batteryPercent\": 90}");
    Files.setLastModifiedTime(file, FileTime.from(NOW.minusSeconds(95)));

    assertNotSafeAndUnhealthy(new FileSource(file, Duration.ofSeconds(30), CLOCK),
        "battery unknown: file " + file + ": reading is 95s old (limit 30s)");
  }

  @Test
  void anUpdateLockFileHeldMeansAMissionRuns() throws Exception {
    RobotSensors.healthy().write(disk.dir());
    Path lock = Files.writeString(temp.resolve("update.lock"), "");
    SensorSources sensors = new SensorSources(List.of(RobotSensors.source(disk.dir())), new LockFileSource(lock));

    assertThat(new SafeStateActivities(disk, sensors, SafeStateRules.defaults(disk.dir()), CLOCK)
        .checkSafeState(release)).isEqualTo(SafeStateAnswer.notNow("mission running"));
  }
}
