package io.otaflow.robot;

import io.otaflow.domain.OtaflowNames;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.Optional;

/**
 * Defence in depth behind the control plane's robot leases: state.json names the rollout whose update this robot is
 * in the middle of, and a step sent by another rollout is refused until that update committed or rolled back.
 */
final class UpdatingRollout {

  private UpdatingRollout() {
  }

  /**
   * The rollout the running activity was sent by (by the rollout itself, or by one of its robot updates), from its
   * workflow's ID; empty outside a rollout's activity.
   */
  static Optional<String> ofCurrentStep() {
    ActivityExecutionContext activity = ActivityKeepAlive.currentActivity();
    return activity == null ? Optional.empty()
        : OtaflowNames.rolloutIdOf(activity.getInfo().getWorkflowId());
  }

  /**
   * Refuses {@code step} when the robot is in the middle of another rollout's update. A step from outside any rollout
   * (a person on the robot, a test) is not refused.
   */
  static void requireNoOther(String step, RobotDiskState state, Optional<String> caller) {
    String holder = state.updatingRollout();
    if (holder != null && caller.isPresent() && !holder.equals(caller.get())) {
      throw ApplicationFailure.newNonRetryableFailure(step + ": robot is in the middle of rollout " + holder
          + "'s update (" + state.installedVersion() + " applied, not committed): it must commit or roll back first",
          RobotSideErrors.OTHER_ROLLOUT);
    }
  }
}
