package io.otaflow.registry;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robot.RobotUpdateState;
import io.otaflow.rollout.RolloutStatus;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;

/** {@link RegistryActivities} over the fleet registry; meant to run as local activities on the control plane. */
public class JdbiRegistryActivities implements RegistryActivities {

  /** ApplicationFailure type for a target naming robots the registry does not know; retrying cannot help. */
  public static final String UNKNOWN_ROBOT = "UnknownRobot";

  private final FleetRegistry registry;

  public JdbiRegistryActivities(FleetRegistry registry) {
    this.registry = registry;
  }

  @Override
  public List<Integer> assignStages(String rolloutId, TargetSelector target, RolloutPlan plan,
                                    String releaseVersion) {
    try {
      return registry.assignStages(rolloutId, target, plan, releaseVersion);
    } catch (UnknownRobotException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), UNKNOWN_ROBOT);
    }
  }

  @Override
  public List<String> stageRobots(String rolloutId, int stage, String afterRobotId, int limit) {
    return registry.stageRobots(rolloutId, stage, afterRobotId, limit);
  }

  @Override
  public List<String> robotsInState(String rolloutId, List<RobotUpdateState> states, String afterRobotId,
                                    int limit) {
    return registry.robotsInState(rolloutId, states, afterRobotId, limit);
  }

  @Override
  public Map<RobotUpdateState, Integer> countRobots(String rolloutId) {
    return registry.rolloutRobotCounts(rolloutId);
  }

  @Override
  public void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason) {
    registry.recordRolloutStatus(rolloutId, status, stage, reason);
  }

  @Override
  public void recordRobotState(String rolloutId, String robotId, RobotUpdateState state, String reason,
                               String installedVersion) {
    registry.recordRobotState(rolloutId, robotId, state, reason, installedVersion);
  }
}
