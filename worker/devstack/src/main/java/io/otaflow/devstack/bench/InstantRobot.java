package io.otaflow.devstack.bench;

import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.robotupdate.RobotUpdateRequest;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.robotupdate.RolloutReport;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * What an instant stand-in for a robot writes to the registry, in one place: the states a real robot update records
 * (RobotUpdateWorkflowImpl, RobotRollback), in the same order, through the same local activity, then the same report
 * to the rollout. Adapt the lists here when the real robot workflows change what they record.
 */
public final class InstantRobot {

  /**
   * One registry write.
   *
   * @param installs whether the robot's installed version changes with it (the release's, or the previous one's)
   */
  record Step(RobotUpdateState state, String reason, boolean installs) {
  }

  /** A healthy robot's update: the happy path of RobotUpdateWorkflowImpl (lean-history version), without the robot. */
  static final List<Step> UPDATE = List.of(
      new Step(RobotUpdateState.DOWNLOADING, null, false),
      new Step(RobotUpdateState.HEALTH_CHECKING, null, true),
      new Step(RobotUpdateState.COMMITTED, null, true));

  /** A robot of the failing stage: refused at verify, before apply, so nothing changed on it (as a bad artifact). */
  static final List<Step> FAILED_UPDATE = List.of(
      new Step(RobotUpdateState.DOWNLOADING, null, false),
      new Step(RobotUpdateState.FAILED, "verify: instant stand-in fails this stage", false));

  /** The rollout's rollback of one robot: RobotRollback records its outcome alone. */
  static final List<Step> ROLLBACK = List.of(new Step(RobotUpdateState.ROLLED_BACK, null, true));

  /** The state every robot update records first: the registry's mark that an update of the robot began. */
  public static final RobotUpdateState UPDATE_BEGINS = UPDATE.get(0).state();
  /** How a robot's update ends, healthy or in the failing stage. */
  public static final List<RobotUpdateState> UPDATE_OUTCOMES = List.of(last(UPDATE), last(FAILED_UPDATE));
  /** The outcome of a robot's update that leaves it on the release: the rollback phase switches it back. */
  public static final RobotUpdateState UPDATED = last(UPDATE);
  /** How the rollout's rollback of one robot ends. */
  public static final RobotUpdateState ROLLED_BACK = last(ROLLBACK);

  private InstantRobot() {
  }

  private static RobotUpdateState last(List<Step> steps) {
    return steps.get(steps.size() - 1).state();
  }

  /**
   * Records {@code steps} for the robot of {@code request}, in workflow code, and reports the last as the robot's
   * outcome to its rollout, as the real ones do ({@link RolloutReport}). {@code installedVersion} is what a step that
   * installs leaves on the robot.
   */
  static RobotUpdateResult run(RobotUpdateRequest request, List<Step> steps, String reason, String installedVersion) {
    RobotStateActivities registry = Workflow.newLocalActivityStub(RobotStateActivities.class, RegistryOptions.LOCAL);
    Step last = steps.get(steps.size() - 1);
    for (Step step : steps.subList(0, steps.size() - 1)) {
      registry.recordRobotState(request.rolloutId(), request.robotId(), step.state(), step.reason(),
          step.installs() ? installedVersion : null);
    }
    RobotUpdateResult result = new RobotUpdateResult(request.robotId(), last.state(),
        reason != null ? reason : last.reason(), last.installs() ? installedVersion : null);
    RolloutReport.send(result, RolloutReport.recordOutcome(registry, request, result));
    return result;
  }
}
