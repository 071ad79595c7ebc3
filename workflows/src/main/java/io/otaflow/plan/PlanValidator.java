package io.otaflow.plan;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Refuses a plan before anything starts, naming the field at fault. */
public final class PlanValidator {

  /** Far below Temporal's 2,000 pending child workflows per execution. */
  public static final int MAX_PARALLEL_LIMIT = 500;

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

  private static void requireNotNegative(String field, Duration value) {
    if (value == null) {
      throw new InvalidPlanException(field, "is missing");
    }
    if (value.isNegative()) {
      throw new InvalidPlanException(field, "must not be negative, was " + value);
    }
  }
}
