package io.otaflow.registry;

import io.otaflow.analysis.Measurement;
import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.rollout.RolloutRegistryActivities;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link RolloutRegistryActivities} over the fleet registry; runs as local activities on the control plane. */
public class JdbiRolloutRegistryActivities implements RolloutRegistryActivities {

  private static final Logger log = LoggerFactory.getLogger(JdbiRolloutRegistryActivities.class);

  private final RobotRepository robots;
  private final RolloutRepository rollouts;
  private final RolloutRobotRepository rolloutRobots;
  private final RobotLeases leases;

  public JdbiRolloutRegistryActivities(RobotRepository robots, RolloutRepository rollouts,
                                       RolloutRobotRepository rolloutRobots, RobotLeases leases) {
    this.robots = robots;
    this.rollouts = rollouts;
    this.rolloutRobots = rolloutRobots;
    this.leases = leases;
  }

  /**
   * The robots leased to the rollout when it was recorded, split by {@link StagePlanner} (deterministic, so a retry
   * agrees) and stored page by page ({@link RolloutRobotRepository#storeStages}): a retry after a failure midway
   * completes the same assignment. A rollout recorded before leases existed holds none: its target is resolved again,
   * as it was then.
   */
  @Override
  public List<Integer> assignStages(String rolloutId, TargetSelector target, RolloutPlan plan,
                                    String releaseVersion) {
    Optional<List<Integer>> stored = rolloutRobots.assignedStageSizes(rolloutId, plan.stages().size());
    if (stored.isPresent()) {
      return stored.get();
    }
    try {
      List<String> targets = leases.leasedRobots(rolloutId);
      if (targets.isEmpty()) {
        targets = List.copyOf(robots.rolloutTargets(target, releaseVersion));
      }
      long started = System.nanoTime();
      List<Integer> sizes = rolloutRobots.storeStages(rolloutId, StagePlanner.assign(rolloutId, targets, plan));
      log.info("rollout {} assigned {} robots to stages {} in {} ms", rolloutId, targets.size(), sizes,
          (System.nanoTime() - started) / 1_000_000);
      return sizes;
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
  public List<String> robotsToRollBack(String rolloutId, String releaseVersion, String afterRobotId, int limit) {
    return rolloutRobots.robotsToRollBack(rolloutId, releaseVersion, afterRobotId, limit);
  }

  @Override
  public int countMovedOn(String rolloutId, String releaseVersion) {
    return rolloutRobots.countMovedOn(rolloutId, releaseVersion);
  }

  @Override
  public Map<RobotUpdateState, Integer> countRobots(String rolloutId) {
    return rolloutRobots.countsByState(rolloutId);
  }

  @Override
  public void recordOpenRun(String rolloutId, String runId) {
    rollouts.recordOpenRun(rolloutId, runId);
  }

  @Override
  public RobotUpdateResult robotState(String rolloutId, String robotId) {
    return rolloutRobots.robot(rolloutId, robotId)
        .map(row -> new RobotUpdateResult(robotId, row.state(), row.reason(), null)).orElse(null);
  }

  @Override
  public List<RobotUpdateResult> endedRobots(String rolloutId, List<String> robotIds) {
    return rolloutRobots.endedRobots(rolloutId, robotIds).stream()
        .map(row -> new RobotUpdateResult(row.robotId(), row.state(), row.reason(), null)).toList();
  }

  @Override
  public void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason) {
    rollouts.recordRolloutStatus(rolloutId, status, stage, reason);
  }

  @Override
  public void recordAnalysis(String rolloutId, String stage, Measurement.Outcome outcome, String reason) {
    rollouts.recordAnalysis(rolloutId, stage, outcome.name(), reason);
  }
}
