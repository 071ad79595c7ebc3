package io.otaflow.robotupdate;

import io.otaflow.release.Release;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Robot side: may this robot be updated now? Asked before apply, again and again until the deadline. */
@ActivityInterface
public interface SafetyActivities {

  /**
   * Reads the robot's own state against its safe-state rules (idle, docked or charging, battery level, maintenance
   * window, kill switch). "Not now" is an answer, not an error.
   */
  @ActivityMethod
  SafeStateAnswer checkSafeState(Release release);
}
