package io.otaflow.analysis;

import io.otaflow.plan.Numbers;
import io.otaflow.plan.SuccessCondition;

/**
 * One measurement of an analysis check.
 *
 * @param value  the query's one sample; null when inconclusive
 * @param reason why the measurement is inconclusive ({@code empty result}, {@code 3 series}, {@code prometheus
 *               unreachable: ...}); null otherwise
 */
public record Measurement(Outcome outcome, Double value, String reason) {

  /** Stored as its name, the status of the measurement's rollout event. */
  public enum Outcome {
    PASS, FAIL, INCONCLUSIVE
  }

  /** {@code value} judged by {@code condition}; NaN, which no condition can judge, is inconclusive. */
  public static Measurement of(double value, SuccessCondition condition) {
    if (Double.isNaN(value)) {
      return inconclusive("NaN");
    }
    return new Measurement(condition.holds(value) ? Outcome.PASS : Outcome.FAIL, value, null);
  }

  public static Measurement inconclusive(String reason) {
    return new Measurement(Outcome.INCONCLUSIVE, null, reason);
  }

  /** Like {@code 0.012 < 0.05}, {@code 0.12 not < 0.05} or {@code inconclusive: empty result}. */
  public String describe(SuccessCondition condition) {
    return switch (outcome) {
      case PASS -> Numbers.format(value) + " " + condition;
      case FAIL -> Numbers.format(value) + " not " + condition;
      case INCONCLUSIVE -> "inconclusive: " + reason;
    };
  }
}
