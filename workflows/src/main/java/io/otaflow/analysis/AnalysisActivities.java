package io.otaflow.analysis;

import io.otaflow.plan.AnalysisCheck;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Control plane: one measurement of a stage's analysis check against the metrics store (Prometheus). Never on a
 * robot: it runs on the control plane's task queue, with {@link AnalysisOptions#MEASURE}.
 */
@ActivityInterface
public interface AnalysisActivities {

  /**
   * Runs the check's query now and compares its one sample with the check's success condition. Everything that
   * yields no single number (an empty result, several series, NaN, a refused query, Prometheus unreachable after a
   * few quick retries) is an INCONCLUSIVE measurement with the reason, never a pass and never an exception.
   * {@code rolloutId} and {@code stage} are for the logs.
   */
  @ActivityMethod
  Measurement measure(String rolloutId, String stage, AnalysisCheck check);
}
