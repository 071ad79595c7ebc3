package io.otaflow.plan;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Refuses a plan before anything starts, naming the field at fault. */
public final class PlanValidator {

  /** Far below Temporal's 2,000 pending child workflows per execution. */
  public static final int MAX_PARALLEL_LIMIT = 500;
  /** Prometheus scrapes every few seconds at best: measuring more often only reads the same samples again. */
  public static final Duration MIN_ANALYSIS_INTERVAL = Duration.ofSeconds(1);
  /**
   * Measurements of one stage's checks together: each costs about a dozen history events, and the analysis runs
   * between robot windows, where the rollout does not continue as new, so it must stay well inside one run's budget.
   */
  public static final int MAX_MEASUREMENTS_PER_STAGE = 500;

  private PlanValidator() {
  }

  public static RolloutPlan validate(RolloutPlan plan) {
    if (plan == null) {
      throw new InvalidPlanException("plan", "is missing");
    }
    List<StagePlan> stages = plan.stages();
    if (stages == null || stages.isEmpty()) {
      throw new InvalidPlanException("stages", "a plan needs at least one stage");
    }
    Set<String> names = new HashSet<>();
    int lastPercent = 0;
    for (int i = 0; i < stages.size(); i++) {
      StagePlan stage = stages.get(i);
      String at = "stages[" + i + "]";
      if (stage == null) {
        throw new InvalidPlanException(at, "is missing");
      }
      if (stage.name() == null || stage.name().isBlank()) {
        throw new InvalidPlanException(at + ".name", "must not be blank");
      }
      if (!names.add(stage.name())) {
        throw new InvalidPlanException(at + ".name", "'" + stage.name() + "' is used by an earlier stage");
      }
      if ((stage.count() == null) == (stage.percent() == null)) {
        throw new InvalidPlanException(at, "give exactly one of count or percent");
      }
      if (stage.count() != null) {
        if (stage.count() < 1) {
          throw new InvalidPlanException(at + ".count", "must be at least 1, was " + stage.count());
        }
        if (lastPercent > 0) {
          throw new InvalidPlanException(at + ".count", "a count stage must come before the percent stages");
        }
      } else {
        int percent = stage.percent();
        if (percent < 1 || percent > 100) {
          throw new InvalidPlanException(at + ".percent", "must be between 1 and 100, was " + percent);
        }
        if (percent <= lastPercent) {
          throw new InvalidPlanException(at + ".percent",
              "percentages are cumulative and must increase: " + percent + " after " + lastPercent);
        }
        lastPercent = percent;
      }
      requireNotNegative(at + ".bakeTime", stage.bakeTime());
      if (!(stage.minHealthy() >= 0.0 && stage.minHealthy() <= 1.0)) {
        throw new InvalidPlanException(at + ".minHealthy", "must be between 0 and 1, was " + stage.minHealthy());
      }
      if (stage.maxFailures() != null && stage.maxFailures() < 0) {
        throw new InvalidPlanException(at + ".maxFailures", "must be 0 or more, was " + stage.maxFailures());
      }
      if (stage.analysis() != null) {
        validateAnalysis(at + ".analysis", stage.analysis());
      }
    }
    if (plan.maxParallel() < 1 || plan.maxParallel() > MAX_PARALLEL_LIMIT) {
      throw new InvalidPlanException("maxParallel",
          "must be between 1 and " + MAX_PARALLEL_LIMIT + ", was " + plan.maxParallel());
    }
    requireNotNegative("robotTimeout", plan.robotTimeout());
    if (plan.robotTimeout().isZero()) {
      throw new InvalidPlanException("robotTimeout", "must be positive");
    }
    if (plan.healthChecks() < 1) {
      throw new InvalidPlanException("healthChecks", "must be at least 1, was " + plan.healthChecks());
    }
    requireNotNegative("healthSoak", plan.healthSoak());
    requireNotNegative("safeStateDeadline", plan.safeStateDeadline());
    if (plan.progressDeadline() != null) {
      if (plan.progressDeadline().isNegative() || plan.progressDeadline().isZero()) {
        throw new InvalidPlanException("progressDeadline", "must be positive, was " + plan.progressDeadline());
      }
      for (StagePlan stage : plan.stages()) {
        if (plan.progressDeadline().compareTo(stage.bakeTime()) <= 0) {
          throw new InvalidPlanException("progressDeadline", "must be longer than every stage's bake, was "
              + plan.progressDeadline() + " for stage '" + stage.name() + "' baking " + stage.bakeTime());
        }
      }
    }
    if (plan.fourEyesApproval() && plan.stages().stream().noneMatch(StagePlan::approval)) {
      throw new InvalidPlanException("fourEyesApproval", "no stage asks for approval (approval: true)");
    }
    return plan;
  }

  private static void validateAnalysis(String at, StageAnalysis analysis) {
    List<AnalysisCheck> checks = analysis.checks();
    if (checks == null || checks.isEmpty()) {
      throw new InvalidPlanException(at + ".checks", "an analysis needs at least one check");
    }
    Set<String> names = new HashSet<>();
    int measurements = 0;
    for (int i = 0; i < checks.size(); i++) {
      AnalysisCheck check = checks.get(i);
      String field = at + ".checks[" + i + "]";
      if (check == null) {
        throw new InvalidPlanException(field, "is missing");
      }
      if (check.name() == null || check.name().isBlank()) {
        throw new InvalidPlanException(field + ".name", "must not be blank");
      }
      if (!names.add(check.name())) {
        throw new InvalidPlanException(field + ".name", "'" + check.name() + "' is used by an earlier check");
      }
      if (check.query() == null || check.query().isBlank()) {
        throw new InvalidPlanException(field + ".query", "must not be blank: a PromQL query giving one number");
      }
      validateCondition(field + ".successCondition", check.successCondition());
      if (check.interval() == null) {
        throw new InvalidPlanException(field + ".interval", "is missing");
      }
      if (check.interval().compareTo(MIN_ANALYSIS_INTERVAL) < 0) {
        throw new InvalidPlanException(field + ".interval",
            "must be at least " + MIN_ANALYSIS_INTERVAL.toSeconds() + "s, was " + check.interval());
      }
      if (check.count() == null) {
        throw new InvalidPlanException(field + ".count", "is missing");
      }
      if (check.count() < 1) {
        throw new InvalidPlanException(field + ".count", "must be at least 1, was " + check.count());
      }
      if (check.failureLimit() < 0) {
        throw new InvalidPlanException(field + ".failureLimit", "must be 0 or more, was " + check.failureLimit());
      }
      if (check.failureLimit() >= check.count()) {
        throw new InvalidPlanException(field + ".failureLimit", "must be less than count " + check.count()
            + ", was " + check.failureLimit() + ": the check could never fail");
      }
      if (check.inconclusive() == null) {
        throw new InvalidPlanException(field + ".inconclusive",
            "is missing: PAUSE (wait for a person) or FAIL (fail the stage)");
      }
      measurements += check.count();
    }
    if (measurements > MAX_MEASUREMENTS_PER_STAGE) {
      throw new InvalidPlanException(at + ".checks", "at most " + MAX_MEASUREMENTS_PER_STAGE
          + " measurements per stage (the sum of the checks' counts), was " + measurements);
    }
  }

  private static void validateCondition(String at, SuccessCondition condition) {
    if (condition == null) {
      throw new InvalidPlanException(at, "is missing, like {\"comparison\": \"<\", \"threshold\": 0.05}");
    }
    if (Comparison.of(condition.comparison()).isEmpty()) {
      throw new InvalidPlanException(at + ".comparison", "must be one of " + Comparison.SYMBOLS + ", was "
          + (condition.comparison() == null ? "missing" : "'" + condition.comparison() + "'"));
    }
    if (condition.threshold() == null || !Double.isFinite(condition.threshold())) {
      throw new InvalidPlanException(at + ".threshold", "must be a finite number, was " + condition.threshold());
    }
  }

  private static void requireNotNegative(String field, Duration value) {
    if (value == null) {
      throw new InvalidPlanException(field, "is missing");
    }
    if (value.isNegative()) {
      throw new InvalidPlanException(field, "must not be negative, was " + value);
    }
  }
}
