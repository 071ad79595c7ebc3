package io.otaflow.robotupdate;

import io.otaflow.domain.RobotUpdateState;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Control plane: where one robot stands in one rollout, recorded in the fleet registry. The robot saga records every
 * step with it, and the rollout records the robots its rollback phase switched back. Local activities; idempotent.
 */
@ActivityInterface
public interface RobotStateActivities {

  /**
   * Records one robot's state in the rollout; when {@code installedVersion} is not null it is also the robot's
   * installed version in the fleet.
   */
  @ActivityMethod
  void recordRobotState(String rolloutId, String robotId, RobotUpdateState state, String reason,
                        String installedVersion);

  /**
   * Records the state a robot workflow ends with, as {@link #recordRobotState}, and returns the run ID of its rollout's
   * open run (null while the rollout continues as new, or when none was recorded).
   */
  @ActivityMethod
  String recordOutcome(String rolloutId, String robotId, RobotUpdateState state, String reason,
                       String installedVersion);
}
