package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.release.Release;
import io.otaflow.robot.sensors.Quantity;
import io.otaflow.robot.sensors.Reading;
import io.otaflow.robot.sensors.SensorReadings;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SensorHealthActivitiesTest extends RobotSideTestSupport {

  @Test
  void healthyRobotPassesEveryProbe() {
    Release release = servedRelease("1.0.0");
    install(release);

    HealthReport report = health.check(release);

    assertThat(report.healthy()).isTrue();
    assertThat(report.probes()).extracting(ProbeResult::probe)
        .containsExactly("battery", "temperature", "latency", "service");
    assertThat(report.probes()).extracting(ProbeResult::detail)
        .containsExactly("battery 90% >= 20%", "temperature 40.0C <= 80.0C", "latency 20ms <= 250ms",
            "service: up, running 1.0.0");
  }

  @Test
  void hotRobotFailsTheTemperatureProbe() {
    Release release = servedRelease("1.0.0");
    install(release);
    SensorsFile.write(disk.dir(), "{\"temperatureC\": 93}");

    HealthReport report = health.check(release);

    assertThat(report.healthy()).isFalse();
    assertThat(report.failure()).contains("temperature 93.0C > 80.0C");
    assertThat(meters.get("otaflow.agent.health.checks").tag("outcome", "unhealthy").counter().count()).isEqualTo(1);
  }

  @Test
  void flatSlowOrDownRobotsFailTheirProbes() {
    Release release = servedRelease("1.0.0");
    install(release);

    SensorsFile.write(disk.dir(), "{\"batteryPercent\": 12}");
    assertThat(health.check(release).failure()).contains("battery 12% < 20%");

    SensorsFile.write(disk.dir(), "{\"latencyMs\": 900}");
    assertThat(health.check(release).failure()).contains("latency 900ms > 250ms");

    SensorsFile.write(disk.dir(), "{\"serviceUp\": false}");
    assertThat(health.check(release).failure()).contains("service: robot-service is down");
  }

  @Test
  void serviceProbeReadsWhatIsActuallyInstalled() {
    install(servedRelease("1.0.0"));

    HealthReport report = health.check(servedRelease("2.0.0"));

    assertThat(report.healthy()).isFalse();
    assertThat(report.failure()).contains("service: current/VERSION is 1.0.0, expected 2.0.0");
  }

  @Test
  void freshRobotHasNothingRunning() {
    HealthReport report = health.check(servedRelease("1.0.0"));

    assertThat(report.failure()).contains("service: current/VERSION is missing, expected 1.0.0");
  }

  @Test
  void withoutSensorsJsonEverySensorProbeFailsNamingTheFile() throws Exception {
    Release release = servedRelease("1.0.0");
    install(release);
    Path sensorsJson = disk.dir().resolve(RobotSensors.FILE);
    Files.delete(sensorsJson);

    HealthReport report = health.check(release);

    assertThat(report.healthy()).isFalse();
    assertThat(report.probes()).allSatisfy(probe -> assertThat(probe.ok()).isFalse());
    assertThat(report.probes()).extracting(ProbeResult::detail).containsExactly(
        "battery unknown: file " + sensorsJson + ": missing",
        "temperature unknown: file " + sensorsJson + ": missing",
        "latency unknown: file " + sensorsJson + ": missing",
        "service state unknown: file " + sensorsJson + ": missing");
  }

  @Test
  void whatTheSimulatorWritesIsWhatTheFileSourceReads() {
    RobotSensors written = new RobotSensors(55.5, 61.2, 140, false, true, false, true);
    written.write(disk.dir());

    SensorReadings read = RobotSideActivities.defaults(disk.dir()).sensors().read();

    assertThat(read.get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(55.5));
    assertThat(read.get(Quantity.TEMPERATURE_C)).isEqualTo(Reading.of(61.2));
    assertThat(read.get(Quantity.LATENCY_MS)).isEqualTo(Reading.of(140));
    assertThat(read.get(Quantity.SERVICE_UP)).isEqualTo(Reading.of(false));
    assertThat(read.get(Quantity.MISSION_ACTIVE)).isEqualTo(Reading.of(true));
    assertThat(read.get(Quantity.DOCKED)).isEqualTo(Reading.of(false));
    assertThat(read.get(Quantity.CHARGING)).isEqualTo(Reading.of(true));
  }
}
