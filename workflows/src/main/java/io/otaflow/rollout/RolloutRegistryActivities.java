package io.otaflow.rollout;

import io.otaflow.analysis.Measurement;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * Control plane: what a rollout reads from and records in the fleet registry. {@link RolloutWorkflowImpl} calls these
 * as local activities on the control-plane worker, so every state change is recorded without a round trip through a
 * task queue. Every method is idempotent: a retried call leaves the same rows.
 */
@ActivityInterface
public interface RolloutRegistryActivities {

  /**
   * Picks the rollout's target robots and writes one PENDING row per robot with its stage index, in
   * {@link io.otaflow.plan.StagePlanner} order. Robots already running {@code releaseVersion} are left out: there is
   * nothing to install on them, and nothing a rollback of this rollout should take away from them. Called again for
   * the same rollout, it returns the sizes already stored.
   *
   * @return number of robots in each stage, in plan order
   */
  @ActivityMethod
  List<Integer> assignStages(String rolloutId, TargetSelector target, RolloutPlan plan, String releaseVersion);

  /** Robot IDs of one stage in ascending ID order, after {@code afterRobotId} (null for the first page). */
  @ActivityMethod
  List<String> stageRobots(String rolloutId, int stage, String afterRobotId, int limit);

  /** Robot IDs of the rollout currently in any of {@code states}, in ascending ID order, after {@code afterRobotId}. */
  @ActivityMethod
  List<String> robotsInState(String rolloutId, List<RobotUpdateState> states, String afterRobotId, int limit);

  /**
   * Robots of the rollout a rollback must switch back, in ascending ID order after afterRobotId: in COMMITTED, APPLIED,
   * HEALTH_CHECKING or ROLLBACK_FAILED, less COMMITTED ones whose installed version is no longer releaseVersion (they
   * moved on to another release since).
   */
  @ActivityMethod
  List<String> robotsToRollBack(String rolloutId, String releaseVersion, String afterRobotId, int limit);

  /**
   * COMMITTED robots of the rollout that have since moved on to another release: a rollback leaves them where they
   * are.
   */
  @ActivityMethod
  int countMovedOn(String rolloutId, String releaseVersion);

  /** How many of the rollout's robots are in each state, as the registry has them. */
  @ActivityMethod
  Map<RobotUpdateState, Integer> countRobots(String rolloutId);

  /**
   * Records which run of the rollout's workflow is open: its run ID at the top of each run, null just before it
   * continues as new. A robot workflow that finds its own rollout run open when it ends reports by its result alone.
   */
  @ActivityMethod
  void recordOpenRun(String rolloutId, String runId);

  /** One robot's state in the rollout and why, as last recorded (installed version null); null for no such robot. */
  @ActivityMethod
  RobotUpdateResult robotState(String rolloutId, String robotId);

  /**
   * The robots among {@code robotIds} whose update or rollback has ended (recorded in a state neither in progress nor
   * PENDING), with that state and why (installed version null): robots a run that continued as new inherited in flight
   * and that ended in between, reporting to the run before.
   */
  @ActivityMethod
  List<RobotUpdateResult> endedRobots(String rolloutId, List<String> robotIds);

  /** Records the rollout's status, the stage it is at (null before the first) and why (null when nothing to say). */
  @ActivityMethod
  void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason);

  /**
   * Records one analysis measurement of the rollout's {@code stage} as a rollout event: {@code outcome} is its status,
   * {@code reason} says which check, what was measured against what, and which of how many measurements it was.
   */
  @ActivityMethod
  void recordAnalysis(String rolloutId, String stage, Measurement.Outcome outcome, String reason);
}
