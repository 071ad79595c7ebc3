package io.otaflow.robotupdate;

import io.otaflow.domain.OtaflowNames;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Timeouts and retries for work on one robot's task queue. Every step gets {@code robotTimeout} as its
 * schedule-to-start timeout: a robot whose worker does not pick up the step in that time is OFFLINE, never a hang.
 */
public final class RobotActivityOptions {

  /** How soon the server gives up on a verify, apply, commit or rollback whose agent went silent. */
  public static final Duration LOCAL_WORK_HEARTBEAT = Duration.ofSeconds(30);

  private RobotActivityOptions() {
  }

  /** Downloads are long and flaky: heartbeat every few seconds, retry network errors with backoff. */
  public static ActivityOptions download(String robotId, Duration robotTimeout) {
    return base(robotId, robotTimeout)
        .setStartToCloseTimeout(Duration.ofMinutes(30))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30)))
        .build();
  }

  /**
   * Verify, apply and commit: local disk work (hashing, unpacking, hook commands) that usually takes seconds; a few
   * retries cover a busy disk. The robot heartbeats while it works, so a step lost with a killed agent is retried
   * after the heartbeat timeout, not after the 10 minutes a slow disk may need.
   */
  public static ActivityOptions slot(String robotId, Duration robotTimeout) {
    return base(robotId, robotTimeout)
        .setStartToCloseTimeout(Duration.ofMinutes(10))
        .setHeartbeatTimeout(LOCAL_WORK_HEARTBEAT)
        .setRetryOptions(retry(3, Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .build();
  }

  /**
   * Health probes and safe-state checks must answer quickly; an unhealthy or busy robot is a result, not a failure,
   * so few retries.
   */
  public static ActivityOptions probe(String robotId, Duration robotTimeout) {
    return base(robotId, robotTimeout)
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(retry(3, Duration.ofSeconds(1), Duration.ofSeconds(5)))
        .build();
  }

  /** Rollback is the compensation: try hardest, since leaving a robot on a bad release is the worst outcome. */
  public static ActivityOptions rollback(String robotId, Duration robotTimeout) {
    return base(robotId, robotTimeout)
        .setStartToCloseTimeout(Duration.ofMinutes(10))
        .setHeartbeatTimeout(LOCAL_WORK_HEARTBEAT)
        .setRetryOptions(retry(10, Duration.ofSeconds(1), Duration.ofMinutes(1)))
        .build();
  }

  private static ActivityOptions.Builder base(String robotId, Duration robotTimeout) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(OtaflowNames.robotTaskQueue(robotId))
        .setScheduleToStartTimeout(robotTimeout);
  }

  private static RetryOptions retry(int attempts, Duration initial, Duration max) {
    return RetryOptions.newBuilder()
        .setMaximumAttempts(attempts)
        .setInitialInterval(initial)
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(max)
        .setDoNotRetry(RobotErrors.PERMANENT.toArray(String[]::new))
        .build();
  }
}
