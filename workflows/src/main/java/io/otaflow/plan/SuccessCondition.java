package io.otaflow.plan;

/**
 * What a measurement must satisfy to pass, like {@code {"comparison": "<", "threshold": 0.05}}.
 *
 * @param comparison one of {@link Comparison}'s symbols; kept as written so that PlanValidator names a wrong one
 */
public record SuccessCondition(String comparison, Double threshold) {

  /** True when {@code value} satisfies the condition; the condition must be valid (PlanValidator). */
  public boolean holds(double value) {
    return Comparison.of(comparison).orElseThrow().holds(value, threshold);
  }

  /** Like {@code < 0.05}. */
  @Override
  public String toString() {
    return comparison + " " + Numbers.format(threshold);
  }
}
