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

  @Override
  public String recordOutcome(String rolloutId, String robotId, RobotUpdateState state, String reason,
                              String installedVersion) {
    // Read with the write: a rollout run that continued as new since finds the outcome in the registry.
    return rolloutRobots.recordOutcome(rolloutId, robotId, state, reason, installedVersion).orElse(null);
  }
}
