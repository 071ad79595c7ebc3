package io.otaflow.domain;

import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Map;

/** Registry writes run as local activities on the control plane: short, retried through brief database hiccups. */
public final class RegistryOptions {

  /** ApplicationFailure type of a target naming robots the registry does not know: retrying cannot help. */
  public static final String UNKNOWN_ROBOT = "UnknownRobot";

  /**
   * A minute covers any single-row registry write many times over. No attempt limit: while the database is down the
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

  /**
   * Stage assignment writes a row per robot, 5,000 per transaction: 100,000 robots took 6-8 s on PostgreSQL and 5-18 s
   * on H2 on the 2-core build machine under load (README, Benchmark). Five minutes per attempt leave tenfold room;
   * an attempt cut short loses at most one page, which the next redoes. Bounded, unlike {@link #LOCAL}: after ten
   * attempts (about five minutes of backoff) the rollout fails before any robot started, which gives its robots back,
   * rather than hold them for a database that does not come back.
   */
  public static final LocalActivityOptions ASSIGN_STAGES = LocalActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .setDoNotRetry(UNKNOWN_ROBOT)
          .build())
      .build();

  /** {@link #LOCAL} for every rollout registry activity but assignStages (activity type AssignStages). */
  public static final Map<String, LocalActivityOptions> ROLLOUT_REGISTRY_METHODS = Map.of("AssignStages",
      ASSIGN_STAGES);

  private RegistryOptions() {
  }
}
