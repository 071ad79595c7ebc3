package io.otaflow.analysis;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Timeouts and retries of analysis measurements. */
public final class AnalysisOptions {

  /**
   * The activity retries an unreachable Prometheus itself a few times, quickly, and then answers INCONCLUSIVE: 30 s
   * covers those tries with their request timeouts. Temporal's retries cover what the activity cannot answer for
   * (a control plane that died mid-measurement); once they are spent the workflow takes the measurement as
   * inconclusive, never as a pass.
   */
  public static final ActivityOptions MEASURE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setMaximumAttempts(3)
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(5))
          .build())
      .build();

  private AnalysisOptions() {
  }
}
