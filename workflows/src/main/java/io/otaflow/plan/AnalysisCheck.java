package io.otaflow.plan;

import java.time.Duration;

/**
 * One PromQL check of a stage's analysis.
 *
 * @param name             shown in reasons and events ("error-rate"), unique within the stage
 * @param query            PromQL whose result must be exactly one sample
 * @param successCondition what a measurement's value must satisfy to pass
 * @param interval         time between measurements; the first is taken one interval after the stage's robots finished
 * @param count            measurements to take
 * @param failureLimit     failed measurements tolerated (absent: 0); one more fails the stage at once
 * @param inconclusive     what a measurement that yields no single number (empty or several series, NaN, Prometheus
 *                         unreachable) does: PAUSE for a person, or FAIL the stage
 */
public record AnalysisCheck(String name, String query, SuccessCondition successCondition, Duration interval,
                            Integer count, int failureLimit, InconclusiveAction inconclusive) {

  /** How long the check takes at least: {@code count} intervals. */
  public Duration duration() {
    return interval.multipliedBy(count);
  }
}
