package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code otaflow plan validate}: offline, the control plane's checks, one line naming the field, exit code 2. */
class PlanValidateCommandTest {

  private static final String VALID_STAGE = "stages:\n  - name: canary\n    count: 1\n    bakeTime: 30s\n"
      + "    minHealthy: 1.0\n";

  @TempDir
  Path temp;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int otaflow(String... args) {
    return new CommandLine(new Otaflow()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void theExamplePlanIsValidAndSummarised() {
    Path example = Path.of("..", "deploy", "examples", "plan.yaml");

    assertThat(otaflow("plan", "validate", example.toString())).as(err.toString()).isZero();
    assertThat(out.toString().trim()).isEqualTo(example + ": valid; 3 stages (canary: 1 robot, half: 50%, "
        + "everyone: 100%), maxParallel 10, onFailure ROLLBACK_ALL");
  }

  @Test
  void theExamplePlanWithAnalysisIsValidAndSummarised() {
    Path example = Path.of("..", "deploy", "examples", "plan-with-analysis.yaml");

    assertThat(otaflow("plan", "validate", example.toString())).as(err.toString()).isZero();
    assertThat(out.toString().trim()).isEqualTo(example + ": valid; 3 stages (canary: 1 robot, analysis error-rate"
        + " < 0.01 x10, half: 50%, analysis battery-drain > -0.05 x5, everyone: 100%), maxParallel 10, onFailure"
        + " ROLLBACK_ALL");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      misspelt field        | stages:\\n  - name: canary\\n    count: 1\\n    bakeTim: 30s\\n    minHealthy: 1.0\\n | stages[0].bakeTim: unknown field
      unreadable duration   | stages:\\n  - name: canary\\n    count: 1\\n    bakeTime: soon\\n    minHealthy: 1.0\\n | stages[0].bakeTime: 'soon' is not a Duration
      threshold above 1     | stages:\\n  - name: canary\\n    count: 1\\n    bakeTime: 30s\\n    minHealthy: 1.5\\n | stages[0].minHealthy: must be between 0 and 1, was 1.5
      unknown comparison    | stages:\\n  - name: canary\\n    count: 1\\n    bakeTime: 30s\\n    minHealthy: 1.0\\n    analysis: {checks: [{name: e, query: up, successCondition: {comparison: lt, threshold: 1}, interval: 1m, count: 1, inconclusive: FAIL}]}\\n | stages[0].analysis.checks[0].successCondition.comparison: must be one of <, <=, >, >=, ==, !=, was 'lt'
      no stages             | maxParallel: 5\\n | stages:
      maxParallel too high  | STAGE maxParallel: 5000\\n | maxParallel:
      not YAML              | stages: [\\n | is not YAML or JSON: expected the node content, but found '<stream end>' (line 2, column 1)
      not an object         | just words\\n | expected a YAML or JSON object
      """)
  void anInvalidPlanIsOneLineNamingTheFieldAndExitCodeTwo(String what, String yaml, String expected) throws Exception {
    Path plan = Files.writeString(temp.resolve("plan.yaml"),
        yaml.replace("\\n", "\n").replace("STAGE ", VALID_STAGE));

    assertThat(otaflow("plan", "validate", plan.toString())).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("otaflow: plan " + plan).contains(expected);
  }

  @Test
  void aMissingFileIsOneLineAndExitCodeTwo() {
    Path missing = temp.resolve("nowhere.yaml");

    assertThat(otaflow("plan", "validate", missing.toString())).isEqualTo(2);
    assertThat(err.toString().lines()).containsExactly("otaflow: plan file " + missing + " not found");
  }
}
