package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.RegistryMetrics;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.TelemetryRepository;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With otaflow.metrics.site-label, the fleet gauges are split by that label's value: a site, never a robot. */
class FleetGaugesBySiteTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of(
      "otaflow.metrics.site-label", "site"));

  @Test
  void fleetGaugesCarryTheSiteLabelsValue() throws Exception {
    RobotRepository robots = api.bean(RobotRepository.class);
    robots.registerRobot("r1", Map.of("site", "lyon"), "1.0.0", null);
    robots.registerRobot("r2", Map.of("site", "lyon", "model", "mk2"), "1.0.0", null);
    robots.registerRobot("r3", Map.of("site", "oslo"), "1.0.0", null);
    robots.registerRobot("r4", Map.of(), null, null);
    long now = System.currentTimeMillis();
    api.bean(TelemetryRepository.class).recordAll(List.of(new RobotTelemetry("r1", 12.0, 91.0, "1.0.0", now, null,
        null), new RobotTelemetry("r2", 80.0, 40.0, "1.0.0", now, null, null),
        new RobotTelemetry("r3", 80.0, 40.0, "1.0.0", now, null, null)));

    api.bean(RegistryMetrics.class).refresh();
    String scrape = api.text(api.managementUrl() + "/actuator/prometheus");

    assertThat(scrape).contains("otaflow_fleet_robots{site=\"lyon\",version=\"1.0.0\"} 2.0")
        .contains("otaflow_fleet_robots{site=\"oslo\",version=\"1.0.0\"} 1.0")
        .contains("otaflow_fleet_robots{site=\"none\",version=\"none\"} 1.0")
        .contains("otaflow_fleet_robots_hot{site=\"lyon\"} 1.0")
        .contains("otaflow_fleet_robots_hot{site=\"oslo\"} 0.0")
        .contains("otaflow_fleet_robots_battery_low{site=\"lyon\"} 1.0")
        .contains("otaflow_fleet_robots_stale{site=\"none\"} 1.0")
        .contains("otaflow_fleet_robots_stale{site=\"lyon\"} 0.0")
        .as("no robot ID as a label").doesNotContain("\"r1\"");
  }
}
