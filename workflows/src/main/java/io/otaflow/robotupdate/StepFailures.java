package io.otaflow.robotupdate;

import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;

/** How a failed robot step reads in a robot's outcome. */
final class StepFailures {

  private StepFailures() {
  }

  /**
   * @param robotTimeout how long the robot had to pick the step up
   * @param stopReason   why the workflow was told to stop, for a cancelled step; null when it was not
   */
  static String describe(TemporalFailure failure, Duration robotTimeout, String stopReason) {
    Throwable cause = causeOf(failure);
    if (cause instanceof CanceledFailure) {
      return stopReason == null ? "aborted" : "aborted: " + stopReason;
    }
    if (cause instanceof TimeoutFailure timeout) {
      return switch (timeout.getTimeoutType()) {
        case TIMEOUT_TYPE_SCHEDULE_TO_START -> "robot offline: no pickup within " + robotTimeout;
        case TIMEOUT_TYPE_HEARTBEAT -> "robot stopped heartbeating";
        default -> "timed out";
      };
    }
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    return cause.getMessage();
  }

  /** A step cancelled because the workflow was told to stop, not one that failed on its own. */
  static boolean isStop(TemporalFailure failure) {
    return causeOf(failure) instanceof CanceledFailure;
  }

  /** What failed inside an activity, or the failure itself. */
  private static Throwable causeOf(TemporalFailure failure) {
    return failure instanceof ActivityFailure && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** A step the robot's worker never picked up: the robot is offline, not broken. */
  static boolean isOffline(TemporalFailure failure) {
    return failure instanceof ActivityFailure && failure.getCause() instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }
}
