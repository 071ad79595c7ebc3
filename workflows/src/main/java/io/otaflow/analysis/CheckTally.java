package io.otaflow.analysis;

import io.otaflow.plan.AnalysisCheck;
import io.otaflow.plan.Numbers;

/** One check's measurements so far during a stage's analysis, and when the next is due (workflow time, ms). */
public final class CheckTally {

  private final AnalysisCheck check;
  private int taken;
  private int failures;
  private Double lastFailed;
  private Measurement last;
  private long nextAt;

  public CheckTally(AnalysisCheck check, long startedAt) {
    this.check = check;
    this.nextAt = startedAt + check.interval().toMillis();
  }

  public AnalysisCheck check() {
    return check;
  }

  public long nextAt() {
    return nextAt;
  }

  public boolean done() {
    return taken >= check.count();
  }

  /**
   * Counts a measurement taken at {@code now}; the next is due an interval later, or later still when a pause for a
   * person put it off meanwhile ({@link #resumeAt}).
   */
  public void record(Measurement measurement, long now) {
    taken++;
    last = measurement;
    if (measurement.outcome() == Measurement.Outcome.FAIL) {
      failures++;
      lastFailed = measurement.value();
    }
    nextAt = Math.max(nextAt, now + check.interval().toMillis());
  }

  /** After a pause for a person: the next measurement comes an interval after the resume, not in a burst. */
  public void resumeAt(long now) {
    nextAt = now + check.interval().toMillis();
  }

  /** Like {@code error-rate: 2 of 5 measured, 0 failed (limit 1), last 0.012 < 0.05}, for the rollout's progress. */
  public String summary() {
    return check.name() + ": " + taken + " of " + check.count() + " measured, " + failures + " failed (limit "
        + check.failureLimit() + ")" + (last == null ? "" : ", last " + last.describe(check.successCondition()));
  }

  /** More failed measurements than the failure limit: the stage fails at once. */
  public boolean failed() {
    return failures > check.failureLimit();
  }

  /**
   * Like {@code stage '10%' analysis 'error-rate': 0.12 not < 0.05 (2 of 5)}, the reason of the measurement's rollout
   * event.
   */
  public String describe(String stage, Measurement measurement) {
    return "stage '" + stage + "' analysis '" + check.name() + "': " + measurement.describe(check.successCondition())
        + " (" + taken + " of " + check.count() + ")";
  }

  /** Like {@code stage '10%' analysis 'error-rate' failed: 2 of 5 measurements not < 0.05 (last 0.12)}. */
  public String failure(String stage) {
    return "stage '" + stage + "' analysis '" + check.name() + "' failed: " + failures + " of " + check.count()
        + " measurements not " + check.successCondition() + " (last " + Numbers.format(lastFailed) + ")";
  }

  /** Like {@code stage '10%' analysis 'error-rate' inconclusive: empty result}. */
  public String inconclusive(String stage, Measurement measurement) {
    return "stage '" + stage + "' analysis '" + check.name() + "' inconclusive: " + measurement.reason();
  }
}
