package io.otaflow.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.otaflow.testtools.ToolsOnPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus checked by Prometheus's own tool: the configuration, the rules and the rules' unit tests
 * (alerts.test.yml). Skipped without promtool (Debian package {@code prometheus}) unless OTAFLOW_REQUIRE_TOOLS=1.
 */
class PromtoolTest {

  static Path promtool;

  @TempDir
  Path temp;

  /** Per test, so that each one reports the skip and its reason. */
  @BeforeEach
  void findPromtool() {
    promtool = ToolsOnPath.require("promtool", "prometheus");
  }

  record Run(int exitCode, String output) {}

  static Run promtool(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("promtool " + String.join(" ", args) + " did not finish in 2 minutes:\n" + output);
    }
    return new Run(process.exitValue(), output);
  }

  static void assertSucceeds(Path dir, String... args) throws Exception {
    Run run = promtool(dir, args);
    assertThat(run.exitCode()).as("promtool %s\n%s", String.join(" ", args), run.output()).isZero();
  }

  @Test
  void theConfigurationIsValidAndLoadsTheRules() throws Exception {
    assertSucceeds(MetricsContract.PROMETHEUS, "check", "config", "prometheus.yml");
  }

  @Test
  void theRulesAreValid() throws Exception {
    assertSucceeds(MetricsContract.PROMETHEUS, "check", "rules", "alerts.yml");
  }

  @Test
  void theRulesPassTheirUnitTests() throws Exception {
    assertSucceeds(MetricsContract.PROMETHEUS, "test", "rules", "alerts.test.yml");
  }

  /** Runs promtool on a copy of the rules with {@code from} replaced by {@code to}; expects it to fail. */
  Run failsOnChangedRules(String from, String to, String... args) throws Exception {
    String rules = Files.readString(MetricsContract.PROMETHEUS.resolve("alerts.yml"));
    assertThat(rules).contains(from);
    Files.writeString(temp.resolve("alerts.yml"), rules.replace(from, to));
    Files.copy(MetricsContract.PROMETHEUS.resolve("alerts.test.yml"), temp.resolve("alerts.test.yml"));
    Run run = promtool(temp, args);
    assertThat(run.exitCode()).as(run.output()).isNotZero();
    return run;
  }

  @Test
  void aBrokenExpressionIsCaught() throws Exception {
    Run run = failsOnChangedRules("expr: max by (job) (otaflow_stages_past_deadline) > 0",
        "expr: max by (job) (otaflow_stages_past_deadline > 0", "check", "rules", "alerts.yml");
    assertThat(run.output()).contains("OtaflowStagePastDeadline").containsIgnoringCase("parse error");
  }

  /** 10% of the fleet stale no longer fires at a 20% threshold: the unit test for OtaflowRobotsStale fails. */
  @Test
  void aChangedThresholdFailsTheUnitTests() throws Exception {
    Run run = failsOnChangedRules("sum by (job) (otaflow_fleet_robots) > 0.05",
        "sum by (job) (otaflow_fleet_robots) > 0.20", "test", "rules", "alerts.test.yml");
    assertThat(run.output()).contains("alertname: OtaflowRobotsStale");
  }
}
