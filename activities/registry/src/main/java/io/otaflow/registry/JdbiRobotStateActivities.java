package io.otaflow.registry;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.robotupdate.RobotStateActivities;

/** {@link RobotStateActivities} over the fleet registry; runs as local activities on the control plane. */
public class JdbiRobotStateActivities implements RobotStateActivities {

  private final RolloutRobotRepository rolloutRobots;

  public JdbiRobotStateActivities(RolloutRobotRepository rolloutRobots) {
    this.rolloutRobots = rolloutRobots;
  }

  @Override
  public void recordRobotState(String rolloutId, String robotId, RobotUpdateState state, String reason,
                               String installedVersion) {
    rolloutRobots.recordRobotState(rolloutId, robotId, state, reason, installedVersion);
  }
}
