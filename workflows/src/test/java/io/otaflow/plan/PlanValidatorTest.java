package io.otaflow.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {

  private static final Duration BAKE = Duration.ofMinutes(10);
  private static final Duration ROBOT_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SOAK = Duration.ofMinutes(2);

  private static StagePlan canary() {
    return StagePlan.canary("canary", 1, BAKE, 1.0);
  }

  private static StagePlan percent(String name, int percent) {
    return StagePlan.percent(name, percent, BAKE, 0.9);
  }

  private static RolloutPlan plan(StagePlan... stages) {
    return new RolloutPlan(Arrays.asList(stages), 5, ROBOT_TIMEOUT, 3, SOAK);
  }

  /** The canary → 10% → 50% → 100% plan with one plan-wide setting changed. */
  private static RolloutPlan standard(int maxParallel, Duration robotTimeout, int healthChecks, Duration healthSoak) {
    return new RolloutPlan(standardStages(), maxParallel, robotTimeout, healthChecks, healthSoak);
  }

  private static List<StagePlan> standardStages() {
    return List.of(canary(), percent("10%", 10), percent("50%", 50), new StagePlan("100%", null, 100, BAKE, 0.9,
        true));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(RolloutPlan plan, String field,
                                                                            String problem) {
    return assertThatThrownBy(() -> PlanValidator.validate(plan))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessage(field + ": " + problem);
  }

  @Test
  void acceptsCanaryThenTenFiftyHundredPercent() {
    RolloutPlan plan = standard(5, ROBOT_TIMEOUT, 3, SOAK);

    assertThat(PlanValidator.validate(plan)).isSameAs(plan);
  }

  @Test
  void acceptsZeroBakeTimeZeroSoakAndTheMaxParallelLimit() {
    RolloutPlan plan = new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 0.0)),
        PlanValidator.MAX_PARALLEL_LIMIT, ROBOT_TIMEOUT, 1, Duration.ZERO);

    assertThat(PlanValidator.validate(plan)).isSameAs(plan);
  }

  @Test
  void fourEyesApprovalNeedsAStageThatAsksForApproval() {
    List<StagePlan> stages = List.of(StagePlan.percent("all", 100, Duration.ZERO, 1.0));
    assertRefused(new RolloutPlan(stages, 5, ROBOT_TIMEOUT, 3, SOAK, Duration.ofHours(1), FailureAction.ROLLBACK_ALL,
        true, null), "fourEyesApproval", "no stage asks for approval (approval: true)");
    RolloutPlan approved = new RolloutPlan(List.of(new StagePlan("all", null, 100, Duration.ZERO, 1.0, true)), 5,
        ROBOT_TIMEOUT, 3, SOAK, Duration.ofHours(1), FailureAction.ROLLBACK_ALL, true, null);
    assertThat(PlanValidator.validate(approved)).isSameAs(approved);
  }

  @Test
  void progressDeadlineMustOutlastEveryBake() {
    assertThat(PlanValidator.validate(withProgressDeadline(Duration.ofMinutes(30))).progressDeadline())
        .isEqualTo(Duration.ofMinutes(30));
    assertRefused(withProgressDeadline(Duration.ZERO), "progressDeadline", "must be positive, was PT0S");
    assertRefused(withProgressDeadline(Duration.ofMinutes(-1)), "progressDeadline", "must be positive, was PT-1M");
    assertRefused(withProgressDeadline(BAKE), "progressDeadline",
        "must be longer than every stage's bake, was PT10M for stage 'canary' baking PT10M");
  }

  private static RolloutPlan withProgressDeadline(Duration deadline) {
    return new RolloutPlan(standardStages(), 5, ROBOT_TIMEOUT, 3, SOAK, Duration.ofHours(1), FailureAction.ROLLBACK_ALL,
        false, deadline);
  }

  @Test
  void refusesMissingPlan() {
    assertRefused(null, "plan", "is missing");
  }

  @Test
  void refusesPlanWithoutStages() {
    assertRefused(plan(), "stages", "a plan needs at least one stage");
  }

  @Test
  void refusesPlanWithNullStageList() {
    assertRefused(new RolloutPlan(null, 5, ROBOT_TIMEOUT, 3, SOAK), "stages", "a plan needs at least one stage");
  }

  @Test
  void refusesMissingStage() {
    List<StagePlan> stages = new ArrayList<>();
    stages.add(canary());
    stages.add(null);

    assertRefused(new RolloutPlan(stages, 5, ROBOT_TIMEOUT, 3, SOAK), "stages[1]", "is missing");
  }

  @Test
  void refusesBlankStageName() {
    assertRefused(plan(canary(), StagePlan.percent("  ", 100, BAKE, 0.9)), "stages[1].name", "must not be blank");
  }

  @Test
  void refusesMissingStageName() {
    assertRefused(plan(StagePlan.percent(null, 100, BAKE, 0.9)), "stages[0].name", "must not be blank");
  }

  @Test
  void refusesDuplicateStageName() {
    assertRefused(plan(percent("wave", 50), percent("wave", 100)),
        "stages[1].name", "'wave' is used by an earlier stage");
  }

  @Test
  void refusesStageWithNeitherCountNorPercent() {
    assertRefused(plan(new StagePlan("wave", null, null, BAKE, 0.9, false)),
        "stages[0]", "give exactly one of count or percent");
  }

  @Test
  void refusesNegativeMaxFailures() {
    assertRefused(plan(new StagePlan("wave", null, 10, BAKE, 0.9, false, -1)),
        "stages[0].maxFailures", "must be 0 or more, was -1");
  }

  @Test
  void refusesStageWithBothCountAndPercent() {
    assertRefused(plan(new StagePlan("wave", 2, 10, BAKE, 0.9, false)),
        "stages[0]", "give exactly one of count or percent");
  }

  @Test
  void refusesCountBelowOne() {
    assertRefused(plan(StagePlan.canary("canary", 0, BAKE, 1.0), percent("100%", 100)),
        "stages[0].count", "must be at least 1, was 0");
  }

  @Test
  void refusesCountStageAfterPercentStages() {
    assertRefused(plan(percent("10%", 10), StagePlan.canary("late canary", 2, BAKE, 1.0)),
        "stages[1].count", "a count stage must come before the percent stages");
  }

  @Test
  void refusesZeroPercent() {
    assertRefused(plan(canary(), percent("none", 0)), "stages[1].percent", "must be between 1 and 100, was 0");
  }

  @Test
  void refusesPercentAboveHundred() {
    assertRefused(plan(percent("too many", 101)), "stages[0].percent", "must be between 1 and 100, was 101");
  }

  @Test
  void refusesPercentagesThatDoNotIncrease() {
    assertRefused(plan(canary(), percent("50%", 50), percent("back to 10%", 10)),
        "stages[2].percent", "percentages are cumulative and must increase: 10 after 50");
  }

  @Test
  void refusesRepeatedPercentage() {
    assertRefused(plan(percent("50%", 50), percent("50% again", 50)),
        "stages[1].percent", "percentages are cumulative and must increase: 50 after 50");
  }

  @Test
  void refusesNegativeBakeTime() {
    assertRefused(plan(StagePlan.canary("canary", 1, Duration.ofSeconds(-1), 1.0)),
        "stages[0].bakeTime", "must not be negative, was PT-1S");
  }

  @Test
  void refusesMissingBakeTime() {
    assertRefused(plan(StagePlan.percent("all", 100, null, 1.0)), "stages[0].bakeTime", "is missing");
  }

  @Test
  void refusesMinHealthyBelowZero() {
    assertRefused(plan(StagePlan.percent("all", 100, BAKE, -0.1)),
        "stages[0].minHealthy", "must be between 0 and 1, was -0.1");
  }

  @Test
  void refusesMinHealthyAboveOne() {
    assertRefused(plan(canary(), StagePlan.percent("all", 100, BAKE, 1.1)),
        "stages[1].minHealthy", "must be between 0 and 1, was 1.1");
  }

  @Test
  void refusesMinHealthyNaN() {
    assertRefused(plan(StagePlan.percent("all", 100, BAKE, Double.NaN)),
        "stages[0].minHealthy", "must be between 0 and 1, was NaN");
  }

  @Test
  void refusesMaxParallelZero() {
    assertRefused(standard(0, ROBOT_TIMEOUT, 3, SOAK), "maxParallel", "must be between 1 and 500, was 0");
  }

  @Test
  void refusesMaxParallelAboveLimit() {
    assertRefused(standard(PlanValidator.MAX_PARALLEL_LIMIT + 1, ROBOT_TIMEOUT, 3, SOAK),
        "maxParallel", "must be between 1 and 500, was 501");
  }

  @Test
  void refusesMissingRobotTimeout() {
    assertRefused(standard(5, null, 3, SOAK), "robotTimeout", "is missing");
  }

  @Test
  void refusesZeroRobotTimeout() {
    assertRefused(standard(5, Duration.ZERO, 3, SOAK), "robotTimeout", "must be positive");
  }

  @Test
  void refusesNegativeRobotTimeout() {
    assertRefused(standard(5, Duration.ofMinutes(-1), 3, SOAK), "robotTimeout", "must not be negative, was PT-1M");
  }

  @Test
  void refusesZeroHealthChecks() {
    assertRefused(standard(5, ROBOT_TIMEOUT, 0, SOAK), "healthChecks", "must be at least 1, was 0");
  }

  @Test
  void refusesNegativeHealthSoak() {
    assertRefused(standard(5, ROBOT_TIMEOUT, 3, Duration.ofSeconds(-30)),
        "healthSoak", "must not be negative, was PT-30S");
  }

  @Test
  void refusesNegativeSafeStateDeadline() {
    assertRefused(new RolloutPlan(standardStages(), 5, ROBOT_TIMEOUT, 3, SOAK, Duration.ofMinutes(-1)),
        "safeStateDeadline", "must not be negative, was PT-1M");
  }

  @Test
  void refusesMissingSafeStateDeadline() {
    assertRefused(new RolloutPlan(standardStages(), 5, ROBOT_TIMEOUT, 3, SOAK, null),
        "safeStateDeadline", "is missing");
  }

  @Test
  void refusesMissingHealthSoak() {
    assertRefused(standard(5, ROBOT_TIMEOUT, 3, null), "healthSoak", "is missing");
  }

  @Test
  void reportsTheFirstFaultyStage() {
    assertRefused(plan(canary(), percent("10%", 10), StagePlan.percent("", 0, null, 2.0)),
        "stages[2].name", "must not be blank");
  }
}
