package io.otaflow.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.otaflow.wire.JsonFieldErrors;
import io.otaflow.wire.WireJson;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stage's analysis as plans write it, and each way of getting it wrong refused with its field. */
class AnalysisPlanValidationTest {

  private static AnalysisCheck check(String name, String query, SuccessCondition condition, Duration interval,
                                     Integer count, int failureLimit, InconclusiveAction inconclusive) {
    return new AnalysisCheck(name, query, condition, interval, count, failureLimit, inconclusive);
  }

  private static AnalysisCheck errorRate() {
    return check("error-rate", "sum(rate(errors_total[5m]))", new SuccessCondition("<", 0.05), Duration.ofMinutes(1),
        5, 1, InconclusiveAction.PAUSE);
  }

  /** A canary, then 100% whose analysis has {@code checks}. */
  private static RolloutPlan analysed(AnalysisCheck... checks) {
    StagePlan canary = StagePlan.canary("canary", 1, Duration.ofMinutes(10), 1.0);
    StagePlan all = StagePlan.percent("100%", 100, Duration.ZERO, 0.9)
        .withAnalysis(new StageAnalysis(checks == null ? null : Arrays.asList(checks)));
    return new RolloutPlan(List.of(canary, all), 5, Duration.ofMinutes(5), 1, Duration.ZERO);
  }

  private static void assertRefused(RolloutPlan plan, String message) {
    assertThatThrownBy(() -> PlanValidator.validate(plan)).isInstanceOf(InvalidPlanException.class)
        .hasMessage(message);
  }

  @Test
  void readsTheAnalysisOfAPlanFile() throws Exception {
    StagePlan stage = WireJson.mapper().readValue("""
        {"name": "10%", "percent": 10, "bakeTime": "5m", "minHealthy": 0.9,
         "analysis": {"checks": [{"name": "error-rate", "query": "sum(rate(x[5m]))",
           "successCondition": {"comparison": "<", "threshold": 0.05},
           "interval": "1m", "count": 5, "failureLimit": 1, "inconclusive": "PAUSE"}]}}""", StagePlan.class);

    assertThat(stage.analysis().checks()).containsExactly(check("error-rate", "sum(rate(x[5m]))",
        new SuccessCondition("<", 0.05), Duration.ofMinutes(1), 5, 1, InconclusiveAction.PAUSE));
    assertThat(stage.analysis().checks().get(0).duration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(PlanValidator.validate(analysed(stage.analysis().checks().get(0)))).isNotNull();
  }

  @Test
  void aStageWithoutAnalysisReadsAsBefore() throws Exception {
    StagePlan stage = WireJson.mapper().readValue("{\"name\": \"all\", \"percent\": 100, \"bakeTime\": \"0s\","
        + " \"minHealthy\": 1}", StagePlan.class);

    assertThat(stage.analysis()).isNull();
  }

  @Test
  void anUnknownInconclusiveActionIsRefusedWithItsField() {
    assertThatThrownBy(() -> WireJson.mapper().readValue("{\"name\": \"c\", \"query\": \"up\", \"interval\": \"1m\","
        + " \"count\": 1, \"inconclusive\": \"IGNORE\"}", AnalysisCheck.class))
        .isInstanceOfSatisfying(JsonMappingException.class, e -> assertThat(JsonFieldErrors.describe(e))
            .isEqualTo("inconclusive: 'IGNORE' is not a InconclusiveAction"));
  }

  @Test
  void refusesAnAnalysisWithoutChecks() {
    assertRefused(analysed(), "stages[1].analysis.checks: an analysis needs at least one check");
    assertRefused(analysed((AnalysisCheck[]) null), "stages[1].analysis.checks: an analysis needs at least one check");
  }

  @Test
  void refusesBlankAndRepeatedNames() {
    AnalysisCheck check = errorRate();
    assertRefused(analysed(check("  ", check.query(), check.successCondition(), check.interval(), 5, 1,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].name: must not be blank");
    assertRefused(analysed(check, check),
        "stages[1].analysis.checks[1].name: 'error-rate' is used by an earlier check");
  }

  @Test
  void refusesAnEmptyQuery() {
    assertRefused(analysed(check("e", " ", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 1, 0,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].query: must not be blank: a PromQL query giving one"
        + " number");
  }

  @Test
  void refusesAMissingOrUnknownComparisonAndAMissingThreshold() {
    assertRefused(analysed(check("e", "up", null, Duration.ofMinutes(1), 1, 0, InconclusiveAction.FAIL)),
        "stages[1].analysis.checks[0].successCondition: is missing, like {\"comparison\": \"<\", \"threshold\": 0.05}");
    assertRefused(analysed(check("e", "up", new SuccessCondition("lt", 1.0), Duration.ofMinutes(1), 1, 0,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].successCondition.comparison: must be one of <, <=, >,"
        + " >=, ==, !=, was 'lt'");
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", null), Duration.ofMinutes(1), 1, 0,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].successCondition.threshold: must be a finite number,"
        + " was null");
  }

  @Test
  void refusesAnIntervalBelowOneSecondOrMissing() {
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), Duration.ofMillis(500), 1, 0,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].interval: must be at least 1s, was PT0.5S");
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), null, 1, 0, InconclusiveAction.FAIL)),
        "stages[1].analysis.checks[0].interval: is missing");
  }

  @Test
  void refusesACountBelowOneOrMissing() {
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 0, 0,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].count: must be at least 1, was 0");
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), null, 0,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].count: is missing");
  }

  @Test
  void refusesAFailureLimitThatCouldNeverBeExceededOrIsNegative() {
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 3, 3,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].failureLimit: must be less than count 3, was 3:"
        + " the check could never fail");
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 3, -1,
        InconclusiveAction.FAIL)), "stages[1].analysis.checks[0].failureLimit: must be 0 or more, was -1");
  }

  @Test
  void refusesAMissingInconclusiveAction() {
    assertRefused(analysed(check("e", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 1, 0, null)),
        "stages[1].analysis.checks[0].inconclusive: is missing: PAUSE (wait for a person) or FAIL (fail the stage)");
  }

  @Test
  void refusesMoreMeasurementsPerStageThanOneRunHoldsComfortably() {
    AnalysisCheck many = check("a", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 300, 0,
        InconclusiveAction.FAIL);
    AnalysisCheck more = check("b", "up", new SuccessCondition("<", 1.0), Duration.ofMinutes(1), 201, 0,
        InconclusiveAction.FAIL);

    assertRefused(analysed(many, more), "stages[1].analysis.checks: at most 500 measurements per stage (the sum of"
        + " the checks' counts), was 501");
  }

  @Test
  void conditionsCompareAsTheirSymbolsSay() {
    assertThat(new SuccessCondition("<", 0.05).holds(0.01)).isTrue();
    assertThat(new SuccessCondition("<", 0.05).holds(0.05)).isFalse();
    assertThat(new SuccessCondition("<=", 0.05).holds(0.05)).isTrue();
    assertThat(new SuccessCondition(">", 10.0).holds(10.0)).isFalse();
    assertThat(new SuccessCondition(">=", 10.0).holds(10.0)).isTrue();
    assertThat(new SuccessCondition("==", 1.0).holds(1.0)).isTrue();
    assertThat(new SuccessCondition("!=", 1.0).holds(1.0)).isFalse();
    assertThat(new SuccessCondition("<", 0.05)).hasToString("< 0.05");
    assertThat(Numbers.format(0.12000000001)).isEqualTo("0.12");
    assertThat(Numbers.format(1500)).isEqualTo("1500");
    assertThat(Numbers.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
  }
}
