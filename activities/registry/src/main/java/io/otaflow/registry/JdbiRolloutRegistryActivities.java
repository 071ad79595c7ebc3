package io.otaflow.registry;

import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutRegistryActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link RolloutRegistryActivities} over the fleet registry; runs as local activities on the control plane. */
public class JdbiRolloutRegistryActivities implements RolloutRegistryActivities {

  private final RobotRepository robots;
  private final RolloutRepository rollouts;
  private final RolloutRobotRepository rolloutRobots;

  public JdbiRolloutRegistryActivities(RobotRepository robots, RolloutRepository rollouts,
                                       RolloutRobotRepository rolloutRobots) {
    this.robots = robots;
    this.rollouts = rollouts;
    this.rolloutRobots = rolloutRobots;
  }

  /** The target's robots not yet on the release, split by {@link StagePlanner} (deterministic, so a retry agrees). */
  @Override
  public List<Integer> assignStages(String rolloutId, TargetSelector target, RolloutPlan plan,
                                    String releaseVersion) {
    Optional<List<Integer>> stored = rolloutRobots.stageSizes(rolloutId, plan.stages().size());
    if (stored.isPresent()) {
      return stored.get();
    }
    try {
      Set<String> upToDate = robots.robotsRunning(releaseVersion);
      List<String> targets = robots.matchingRobots(target).stream().filter(robot -> !upToDate.contains(robot))
          .toList();
      return rolloutRobots.storeStages(rolloutId, StagePlanner.assign(rolloutId, targets, plan));
    } catch (UnknownRobotException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), RegistryOptions.UNKNOWN_ROBOT);
    }
  }

  @Override
  public List<String> stageRobots(String rolloutId, int stage, String afterRobotId, int limit) {
    return rolloutRobots.stageRobots(rolloutId, stage, afterRobotId, limit);
  }

  @Override
  public List<String> robotsInState(String rolloutId, List<RobotUpdateState> states, String afterRobotId,
                                    int limit) {
    return rolloutRobots.robotsInState(rolloutId, states, afterRobotId, limit);
  }

  @Override
  public Map<RobotUpdateState, Integer> countRobots(String rolloutId) {
    return rolloutRobots.countsByState(rolloutId);
  }

  @Override
  public void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason) {
    rollouts.recordRolloutStatus(rolloutId, status, stage, reason);
  }
}
