package io.otaflow.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The alert rules, their unit tests and the Grafana dashboard agree with the metric contract (METRICS.md), without
 * promtool or Grafana: names, coverage of every alert by a firing and a quiet case, and the dashboard's structure.
 */
class DeployMonitoringTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path ALERTS = MetricsContract.PROMETHEUS.resolve("alerts.yml");
  static final Path ALERT_TESTS = MetricsContract.PROMETHEUS.resolve("alerts.test.yml");
  static final Path DASHBOARD = MetricsContract.DEPLOY.resolve("grafana").resolve("otaflow.json");

  final MetricsContract contract = MetricsContract.read();

  // --- the contract and the expression parser

  @Test
  void theContractListsTheAgreedNames() {
    assertThat(contract.names()).contains("otaflow_rollouts", "otaflow_rollouts_ended_total",
        "otaflow_robot_updates_finished_total", "otaflow_robots_not_rolled_back_total",
        "otaflow_health_gate_failures_total", "otaflow_time_to_safe_state_seconds", "otaflow_stages_past_deadline",
        "otaflow_kill_switch_on", "otaflow_api_authentication_refused_total", "otaflow_fleet_robots",
        "otaflow_fleet_robots_stale", "otaflow_fleet_robots_hot", "otaflow_fleet_robots_battery_low",
        "http_server_requests_seconds_count", "temporal_request_latency_seconds", "temporal_request_failure_total",
        "otaflow_agent_up", "otaflow_agent_build_info", "otaflow_agent_download_bytes_total",
        "otaflow_agent_apply_duration_seconds", "otaflow_agent_rollback_duration_seconds", "otaflow_agent_probe_value",
        "otaflow_agent_update_step", "up");
    assertThat(contract.covers("otaflow_time_to_safe_state_seconds_bucket")).isTrue();
    assertThat(contract.covers("otaflow_rollouts_bucket")).as("a gauge has no buckets").isFalse();
    assertThat(contract.covers("otaflow_rollouts_total")).isFalse();
  }

  @Test
  void metricNamesAreFoundInExpressions() {
    assertThat(MetricsContract.metricNames("histogram_quantile(0.99, sum by (le, operation) "
        + "(rate(temporal_request_latency_seconds_bucket{job=\"a\", le!=\"1e3\"}[$__rate_interval]))) > 1e3"))
        .containsExactly("temporal_request_latency_seconds_bucket");
    assertThat(MetricsContract.metricNames("sum(a_total) by (probe) / on(job) group_left b offset 5m "
        + "or absent(up{job=\"x\"}) unless c > bool 0.5"))
        .containsExactly("a_total", "b", "c", "up");
  }

  // --- alerts.yml

  static Map<String, String> alertExpressions(JsonNode rules) {
    Map<String, String> exprByAlert = new LinkedHashMap<>();
    rules.path("groups").forEach(group -> group.path("rules").forEach(rule -> {
      if (rule.hasNonNull("alert")) {
        exprByAlert.put(rule.get("alert").asText(), rule.path("expr").asText());
      }
    }));
    return exprByAlert;
  }

  @Test
  void theAlertsTheIssueAsksForExist() throws IOException {
    assertThat(alertExpressions(YAML.readTree(ALERTS.toFile())).keySet()).containsExactlyInAnyOrder(
        "OtaflowRolloutRolledBack", "OtaflowRolloutFailed", "OtaflowRobotNotRolledBack", "OtaflowStagePastDeadline",
        "OtaflowHealthGateFailures", "OtaflowKillSwitchOn", "OtaflowRobotsStale", "OtaflowRobotsHot",
        "OtaflowRobotsBatteryLow", "OtaflowAgentDown", "OtaflowControlPlaneDown", "OtaflowControlPlaneErrorRate",
        "OtaflowTemporalRequestLatencyHigh", "OtaflowTemporalRequestFailures");
  }

  /** Problems of a rules file: metrics outside the contract, missing severity, summary or description. */
  List<String> alertProblems(JsonNode rules) {
    List<String> problems = new ArrayList<>();
    rules.path("groups").forEach(group -> group.path("rules").forEach(rule -> {
      String name = rule.path("alert").asText(rule.path("record").asText("?"));
      MetricsContract.metricNames(rule.path("expr").asText()).stream().filter(m -> !contract.covers(m))
          .forEach(m -> problems.add(name + ": metric " + m + " is not in METRICS.md"));
      if (rule.hasNonNull("alert")) {
        if (!Set.of("critical", "warning", "info").contains(rule.path("labels").path("severity").asText())) {
          problems.add(name + ": severity must be critical, warning or info");
        }
        for (String annotation : List.of("summary", "description")) {
          if (rule.path("annotations").path(annotation).asText().isBlank()) {
            problems.add(name + ": no " + annotation);
          }
        }
      }
    }));
    return problems;
  }

  @Test
  void everyAlertUsesContractMetricsAndHasSeverityAndAnnotations() throws IOException {
    assertThat(alertProblems(YAML.readTree(ALERTS.toFile()))).isEmpty();
  }

  @Test
  void aRuleOnAnUnknownMetricOrWithoutSeverityIsReported() throws IOException {
    JsonNode rules = YAML.readTree("""
        groups:
          - name: g
            rules:
              - alert: Typo
                expr: otaflow_rollout_ended_total > 0 and otaflow_kill_switch_on == 1
                annotations: {summary: s}
        """);
    assertThat(alertProblems(rules)).containsExactly("Typo: metric otaflow_rollout_ended_total is not in METRICS.md",
        "Typo: severity must be critical, warning or info", "Typo: no description");
  }

  @Test
  void everyAlertHasAFiringAndAQuietUnitTest() throws IOException {
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    YAML.readTree(ALERT_TESTS.toFile()).path("tests").forEach(test -> test.path("alert_rule_test").forEach(c ->
        (c.path("exp_alerts").isEmpty() ? quiet : firing).add(c.path("alertname").asText())));
    Set<String> alerts = alertExpressions(YAML.readTree(ALERTS.toFile())).keySet();
    assertThat(firing).as("alerts with a case where they fire").containsAll(alerts);
    assertThat(quiet).as("alerts with a case where they do not fire").containsAll(alerts);
  }

  // --- the Grafana dashboard

  /** Problems of a dashboard for Grafana's file provisioning and for this contract. */
  List<String> dashboardProblems(JsonNode dashboard) {
    List<String> problems = new ArrayList<>();
    for (String field : List.of("uid", "title")) {
      if (dashboard.path(field).asText().isBlank()) {
        problems.add("no " + field);
      }
    }
    if (!dashboard.path("schemaVersion").isInt() || dashboard.path("schemaVersion").asInt() < 30) {
      problems.add("schemaVersion must be a number >= 30");
    }
    boolean datasourceVariable = false;
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      datasourceVariable |= "datasource".equals(variable.path("name").asText())
          && "datasource".equals(variable.path("type").asText())
          && "prometheus".equals(variable.path("query").asText());
    }
    if (!dashboard.path("panels").isArray() || dashboard.path("panels").isEmpty()) {
      problems.add("no panels");
    }
    Set<Integer> ids = new HashSet<>();
    List<int[]> areas = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      String name = "panel " + panel.path("id").asText("?") + " '" + panel.path("title").asText() + "'";
      if (!panel.path("id").isInt() || !ids.add(panel.path("id").asInt())) {
        problems.add(name + ": id missing or not unique");
      }
      JsonNode grid = panel.path("gridPos");
      if (!List.of("h", "w", "x", "y").stream().allMatch(k -> grid.path(k).isInt())) {
        problems.add(name + ": no gridPos {h, w, x, y}");
      } else {
        int[] area = {grid.get("x").asInt(), grid.get("y").asInt(), grid.get("w").asInt(), grid.get("h").asInt()};
        if (area[0] < 0 || area[2] < 1 || area[3] < 1 || area[0] + area[2] > 24) {
          problems.add(name + ": gridPos outside the 24 columns");
        }
        for (int[] other : areas) {
          if (area[0] < other[0] + other[2] && other[0] < area[0] + area[2]
              && area[1] < other[1] + other[3] && other[1] < area[1] + area[3]) {
            problems.add(name + ": overlaps another panel");
          }
        }
        areas.add(area);
      }
      String datasource = panel.path("datasource").path("uid").asText();
      if (!("prometheus".equals(datasource) || ("${datasource}".equals(datasource) && datasourceVariable))) {
        problems.add(name + ": datasource must be uid prometheus or the variable ${datasource}");
      }
      if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
        problems.add(name + ": no targets");
      }
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (expr.isBlank()) {
          problems.add(name + ": a target without expr");
        }
        MetricsContract.metricNames(expr).stream().filter(m -> !contract.covers(m))
            .forEach(m -> problems.add(name + ": metric " + m + " is not in METRICS.md"));
      }
    }
    return problems;
  }

  @Test
  void theDashboardIsProvisionableAndUsesContractMetrics() throws IOException {
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());

    assertThat(dashboardProblems(dashboard)).isEmpty();
    assertThat(dashboard.path("uid").asText()).isEqualTo("otaflow");
    Set<String> queried = new TreeSet<>();
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t ->
        queried.addAll(MetricsContract.metricNames(t.path("expr").asText()))));
    assertThat(queried).as("what the issue asks the dashboard to show").contains("otaflow_rollouts",
        "otaflow_rollouts_ended_total", "otaflow_robot_updates_finished_total",
        "otaflow_time_to_safe_state_seconds_bucket", "otaflow_fleet_robots_stale", "otaflow_fleet_robots_hot",
        "otaflow_fleet_robots_battery_low");
  }

  @Test
  void aBrokenDashboardIsReported() throws IOException {
    JsonNode broken = JSON.readTree("""
        {"uid": "x", "title": "t", "schemaVersion": 39, "panels": [
          {"id": 1, "title": "a", "datasource": {"uid": "prometheus"}, "gridPos": {"h": 4, "w": 12, "x": 0, "y": 0},
           "targets": [{"refId": "A", "expr": "sum(otaflow_robots_stale)"}]},
          {"id": 1, "title": "b", "datasource": {"uid": "prometheus"}, "gridPos": {"h": 4, "w": 12, "x": 6, "y": 2},
           "targets": [{"refId": "A", "expr": "otaflow_fleet_robots"}]},
          {"id": 3, "title": "c", "datasource": {"uid": "${datasource}"}, "targets": []}
        ]}
        """);
    assertThat(dashboardProblems(broken)).containsExactly(
        "panel 1 'a': metric otaflow_robots_stale is not in METRICS.md",
        "panel 1 'b': id missing or not unique",
        "panel 1 'b': overlaps another panel",
        "panel 3 'c': no gridPos {h, w, x, y}",
        "panel 3 'c': datasource must be uid prometheus or the variable ${datasource}",
        "panel 3 'c': no targets");
  }
}
