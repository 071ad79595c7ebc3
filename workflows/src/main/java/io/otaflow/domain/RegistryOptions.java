package io.otaflow.domain;

import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Registry writes run as local activities on the control plane: short, retried through brief database hiccups. */
public final class RegistryOptions {

  /** ApplicationFailure type of a target naming robots the registry does not know: retrying cannot help. */
  public static final String UNKNOWN_ROBOT = "UnknownRobot";

  /**
   * A minute covers writing a 100,000-robot stage assignment. No attempt limit: while the database is down the
   * rollout waits for it (a failed rollout mid-rollback would leave robots on the release); a rollout naming an
   * unknown robot fails at once.
   */
  public static final LocalActivityOptions LOCAL = LocalActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofMillis(200))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setDoNotRetry(UNKNOWN_ROBOT)
          .build())
      .build();

  private RegistryOptions() {
  }
}
