package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.SafeStateAnswer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeStateActivitiesTest {

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

  /** Asks a robot reading {@code <robot-dir>/sensors.json}, as a robot without sensor configuration does. */
  private SafeStateAnswer ask(SafeStateRules rules, String utcTime) {
    Clock clock = Clock.fixed(Instant.parse("2026-03-10T" + utcTime + ":00Z"), ZoneOffset.UTC);
    return new SafeStateActivities(disk, RobotSideActivities.defaults(disk.dir()).sensors(), rules, clock)
        .checkSafeState(release);
  }

  private Path sensorsJson() {
    return disk.dir().resolve(RobotSensors.FILE);
  }

  private SafeStateRules defaults() {
    return SafeStateRules.defaults(disk.dir());
  }

  @Test
  void aHealthyIdleDockedRobotWithDefaultRulesIsSafe() {
    RobotSensors.healthy().write(disk.dir());

    assertThat(ask(defaults(), "12:00")).isEqualTo(SafeStateAnswer.safeNow());
  }

  @Test
  void withoutSensorsJsonTheRobotIsNotSafeNamingTheFile() {
    assertThat(ask(defaults(), "12:00"))
        .isEqualTo(SafeStateAnswer.notNow("mission state unknown: file " + sensorsJson() + ": missing"));
  }

  @Test
  void anUnparseableSensorsJsonIsNotSafeNamingTheFile() throws Exception {
    Files.createDirectories(disk.dir());
    Files.writeString(sensorsJson(), "{\"batteryPercent\": 9");

    assertThat(ask(defaults(), "12:00").reason())
        .startsWith("mission state unknown: file " + sensorsJson() + ": not JSON (");
  }

  @Test
  void aReadingOfTheWrongTypeIsUnknown() {
    SensorsFile.write(disk.dir(), "{\"batteryPercent\": \"full\"}");

    assertThat(ask(defaults(), "12:00")).isEqualTo(SafeStateAnswer.notNow("battery unknown: file " + sensorsJson()
        + ": batteryPercent is \"full\", expected a number"));
  }

  @Test
  void killSwitchFileMakesTheRobotUnsafeUntilRemoved() throws Exception {
    RobotSensors.healthy().write(disk.dir());
    Path killSwitch = disk.dir().resolve("kill-switch");
    Files.writeString(killSwitch, "");

    assertThat(ask(defaults(), "12:00")).isEqualTo(SafeStateAnswer.notNow("kill switch on (" + killSwitch + ")"));

    Files.delete(killSwitch);
    assertThat(ask(defaults(), "12:00").safe()).isTrue();
  }

  @Test
  void missionRunningIsNotNow() {
    SensorsFile.write(disk.dir(), "{\"missionActive\": true}");
    assertThat(ask(defaults(), "12:00")).isEqualTo(SafeStateAnswer.notNow("mission running"));

    SensorsFile.write(disk.dir(), "{\"missionActive\": false}");
    assertThat(ask(defaults(), "12:00").safe()).isTrue();
  }

  @Test
  void undockedAndNotChargingIsNotNowButChargingIsEnough() {
    SensorsFile.write(disk.dir(), "{\"docked\": false}");
    assertThat(ask(defaults(), "12:00")).isEqualTo(SafeStateAnswer.notNow("not docked and not charging"));

    SensorsFile.write(disk.dir(), "{\"docked\": false, \"charging\": true}");
    assertThat(ask(defaults(), "12:00").safe()).isTrue();
  }

  @Test
  void lowBatteryIsNotNow() {
    SensorsFile.write(disk.dir(), "{\"batteryPercent\": 31}");
    assertThat(ask(defaults(), "12:00")).isEqualTo(SafeStateAnswer.notNow("battery 31% < 40%"));

    SensorsFile.write(disk.dir(), "{\"batteryPercent\": 40}");
    assertThat(ask(defaults(), "12:00").safe()).isTrue();
  }

  @Test
  void outsideTheMaintenanceWindowIsNotNowInsideItIsSafe() {
    RobotSensors.healthy().write(disk.dir());
    SafeStateRules night = new SafeStateRules(true, true, 40,
        MaintenanceWindow.parse("22:00", "05:00", "Europe/Paris", "safeState.maintenanceWindow"),
        disk.dir().resolve("kill-switch"));

    // 12:00 UTC is 13:00 in Paris (CET, March 10).
    assertThat(ask(night, "12:00"))
        .isEqualTo(SafeStateAnswer.notNow("outside maintenance window 22:00-05:00 Europe/Paris"));
    // 22:30 UTC is 23:30 in Paris, 03:00 UTC is 04:00: both inside a window that runs over midnight.
    assertThat(ask(night, "22:30").safe()).isTrue();
    assertThat(ask(night, "03:00").safe()).isTrue();
    // 04:00 UTC is 05:00 in Paris: the end is outside.
    assertThat(ask(night, "04:00").safe()).isFalse();
  }

  @Test
  void rulesCanBeSwitchedOffAndThenNeedNoReadings() {
    SafeStateRules lax = new SafeStateRules(false, false, 0, null, null);

    assertThat(ask(lax, "12:00").safe()).isTrue();
  }

  @Test
  void aReadingARuleNeedsThatNoSourceReportsIsUnknownNotDefaulted() throws Exception {
    // sensors.json as written before mission and dock state existed: they once read as idle and docked.
    Files.createDirectories(disk.dir());
    Files.writeString(sensorsJson(), "{\"batteryPercent\":55,\"temperatureC\":40,\"latencyMs\":20,\"serviceUp\":true}");

    assertThat(ask(defaults(), "12:00"))
        .isEqualTo(SafeStateAnswer.notNow("mission state unknown: not reported by file " + sensorsJson()));
    assertThat(ask(new SafeStateRules(false, true, 40, null, null), "12:00"))
        .isEqualTo(SafeStateAnswer.notNow("dock state unknown: not reported by file " + sensorsJson()));
  }

  @Test
  void chargingIsEnoughWhileTheDockStateIsUnknown() throws Exception {
    Files.createDirectories(disk.dir());
    Files.writeString(sensorsJson(), "{\"batteryPercent\": 80, \"missionActive\": false, \"charging\": true}");

    assertThat(ask(defaults(), "12:00").safe()).isTrue();
  }

  @Test
  void windowContainsUsesTheZone() {
    MaintenanceWindow w = MaintenanceWindow.parse("01:00", "03:00", "UTC", "w");
    assertThat(w.contains(Instant.parse("2026-01-01T02:00:00Z"))).isTrue();
    assertThat(w.contains(Instant.parse("2026-01-01T03:00:00Z"))).isFalse();
    assertThat(w.zone()).isEqualTo(ZoneId.of("UTC"));
  }
}
