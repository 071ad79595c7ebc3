package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.RegistryMetrics;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.TelemetryRepository;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control plane's metrics as Prometheus scrapes them, from the management port without a token: they move as a
 * rollout runs and ends, as the kill switch turns, as the fleet reports; no robot or rollout ID is ever a label.
 */
class MetricsEndpointTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  @Test
  void otaflowsMetricsMoveWithTheRolloutsTheKillSwitchAndTheFleet() throws Exception {
    RobotRepository robots = api.bean(RobotRepository.class);
    robots.registerRobot("r1", Map.of(), "1.0.0", null);
    robots.registerRobot("r2", Map.of(), "1.0.0", null);
    robots.registerRobot("r3", Map.of(), null, null);
    TelemetryRepository telemetry = api.bean(TelemetryRepository.class);
    long now = System.currentTimeMillis();
    telemetry.recordAll(List.of(new RobotTelemetry("r1", 12.0, 91.0, "1.0.0", now, null, null),
        new RobotTelemetry("r2", 80.0, 40.0, "1.0.0", now, null, null)));
    String before = scrape();

    api.startRunning("measured", "r1");
    api.bean(RegistryMetrics.class).refresh();
    String running = scrape();
    api.endedUnreached("unreached", "r2");
    api.bean(KillSwitchRepository.class).set(true, "ana", "drill");
    api.bean(RegistryMetrics.class).refresh();
    String after = scrape();
    api.bean(KillSwitchRepository.class).set(false, "ana", null);
    api.abortAndWait("measured");

    assertThat(value(before, "otaflow_rollouts{status=\"RUNNING\"}")).isZero();
    assertThat(value(running, "otaflow_rollouts{status=\"RUNNING\"}")).isEqualTo(1);
    assertThat(value(after, "otaflow_rollouts_ended_total{status=\"FAILED\"}"))
        .isEqualTo(value(before, "otaflow_rollouts_ended_total{status=\"FAILED\"}") + 1);
    assertThat(value(after, "otaflow_robot_updates_finished_total{outcome=\"OFFLINE\",stage=\"1\"}"))
        .as("a stage's counters appear with its first robot")
        .isEqualTo(valueOrZero(before, "otaflow_robot_updates_finished_total{outcome=\"OFFLINE\",stage=\"1\"}") + 1);
    assertThat(value(after, "otaflow_stages_past_deadline")).as("no plan here has a progressDeadline").isZero();
    assertThat(value(before, "otaflow_kill_switch_on")).isZero();
    assertThat(value(after, "otaflow_kill_switch_on")).isEqualTo(1);

    // Registered at 0 for every result, so that the first of each is an increase (this control plane has no
    // Prometheus: the values move in PrometheusClientTest and PrometheusAnalysisTest).
    for (String result : List.of("pass", "fail", "inconclusive")) {
      assertThat(value(before, "otaflow_analysis_measurements_total{result=\"" + result + "\"}")).isZero();
    }
    assertThat(value(after, "otaflow_fleet_robots{version=\"1.0.0\"}")).isEqualTo(2);
    assertThat(value(after, "otaflow_fleet_robots{version=\"none\"}")).isEqualTo(1);
    assertThat(value(after, "otaflow_fleet_robots_stale")).as("r3 never reported").isEqualTo(1);
    assertThat(value(after, "otaflow_fleet_robots_hot")).isEqualTo(1);
    assertThat(value(after, "otaflow_fleet_robots_battery_low")).isEqualTo(1);
    assertThat(after).contains("otaflow_time_to_safe_state_seconds_bucket")
        .contains("otaflow_api_authentication_refused_total")
        .as("the Temporal SDK's own metrics").contains("temporal_")
        .as("no robot or rollout ID as a label").doesNotContain("\"r1\"").doesNotContain("\"measured\"");
  }

  private static String scrape() throws Exception {
    return api.text(api.managementUrl() + "/actuator/prometheus");
  }

  private static double valueOrZero(String scrape, String series) {
    return find(scrape, series).orElse(0.0);
  }

  private static double value(String scrape, String series) {
    return find(scrape, series).orElseThrow(() -> new AssertionError("no series " + series + " in the scrape:\n"
        + scrape));
  }

  /** The value of one series, like {@code otaflow_rollouts{status="RUNNING"}}; its other labels, if any, follow. */
  private static Optional<Double> find(String scrape, String series) {
    String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
    String labels = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
    Matcher line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
        .matcher(scrape);
    while (line.find()) {
      if (line.group(1) == null ? labels.isEmpty() : line.group(1).contains(labels)) {
        return Optional.of(Double.parseDouble(line.group(2)));
      }
    }
    return Optional.empty();
  }
}
