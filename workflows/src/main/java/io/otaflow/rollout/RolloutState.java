package io.otaflow.rollout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.StagePlan;
import io.otaflow.robotupdate.RobotUpdateResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a rollout knows, in one record: the workflow works on it, {@code progress()} reads it, and it is the
 * whole input of the next run when the workflow continues as new. Robots in flight are part of it, so continuing as
 * new never waits for them: they report to whichever run is current. Robot lists are not (a fleet of 100,000 would
 * not fit in a payload): they live in the registry and are read a page at a time from {@link #cursor}.
 *
 * <p>Field names up to {@code reason} are those of the checkpoint that runs before version 1 of the rollout carried,
 * so such a checkpoint still restores.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class RolloutState {

  /** The rollout's stage, -1 before the first. */
  int stageIndex = -1;
  List<Integer> stageSizes = new ArrayList<>();
  /** Robots COMMITTED per stage. */
  List<Integer> stageCommitted = new ArrayList<>();
  /** Robots in a final state per stage. */
  List<Integer> stageFinished = new ArrayList<>();
  /** Robots per final state name. */
  Map<String, Integer> robotCounts = new TreeMap<>();
  /** Last robot started in the current stage, or in the rollback phase; null at the start of either. */
  String cursor;
  boolean rollingBack;
  /** Robots the rollback phase switched back. */
  int rolledBack;
  /** Highest stage index a person approved, -1 for none. */
  int approvedStage = -1;
  /** The pause in force (a person's, the kill switch's, or a failed stage's with onFailure PAUSE), or null. */
  OperatorCommand pausedBy;
  AbortCommand abort;
  String reason;

  /** Null only in a checkpoint of a run before version 1: see {@link #afterContinueAsNew()}. */
  RolloutStatus status = RolloutStatus.PENDING;
  /** Workflow time the current stage started (after its approval), in epoch milliseconds; 0 before. */
  long stageStartedAt;
  /** Why the current stage can no longer pass (it stops starting robots), or null. */
  String stageStopped;
  /** The kill switch, while it holds this rollout. */
  OperatorCommand killSwitch;
  /** Robot workflows started and not yet reported, by robot ID, in start order. */
  Map<String, InFlightRobot> inFlight = new LinkedHashMap<>();
  /** Robots in flight told to stop (abort or a stage that cannot pass). */
  TreeSet<String> stopSent = new TreeSet<>();
  /** Robots in flight told to stop unless they have applied (kill switch). */
  TreeSet<String> holdSent = new TreeSet<>();
  /**
   * Robots whose update reported during the rollback phase (which began while they were in flight): they are switched
   * back on their report if they need it, so the phase's pages pass over them.
   */
  TreeSet<String> reportedInRollback = new TreeSet<>();
  /** Robots a kill switch stopped before they applied: the first to start again once a person resumes. */
  List<String> requeued = new ArrayList<>();
  /** A rollback ordered after the rollout ended: robots it left alone because they moved on to another release. */
  int movedOn;
  /** The current stage's analysis while it runs or holds the rollout: a line per check. */
  List<String> analysis = new ArrayList<>();

  /**
   * One robot workflow in flight.
   *
   * @param stage         the stage its outcome counts for; {@link #ROLLBACK} in the rollback phase
   * @param startedAt     workflow time it started, in epoch milliseconds
   * @param switchingBack a robot rollback workflow rather than an update
   */
  public record InFlightRobot(int stage, long startedAt, boolean switchingBack) {

    static final int ROLLBACK = -1;
  }

  /** The rollout's robots are assigned to stages of these sizes: it stands at the first, nothing counted yet. */
  void assign(List<Integer> sizes) {
    stageSizes = new ArrayList<>(sizes);
    stageCommitted = new ArrayList<>(sizes.stream().map(size -> 0).toList());
    stageFinished = new ArrayList<>(stageCommitted);
    stageIndex = 0;
  }

  /** A checkpoint of a run before version 1, written by {@link LegacyRolloutWorkflow}. */
  static RolloutState legacyCheckpoint(int stageIndex, List<Integer> stageSizes, List<Integer> stageCommitted,
                                       List<Integer> stageFinished, Map<String, Integer> robotCounts, String cursor,
                                       boolean rollingBack, int rolledBack, int approvedStage,
                                       OperatorCommand pausedBy, AbortCommand abort, String reason) {
    RolloutState state = new RolloutState();
    state.stageIndex = stageIndex;
    state.stageSizes = stageSizes;
    state.stageCommitted = stageCommitted;
    state.stageFinished = stageFinished;
    state.robotCounts = new TreeMap<>(robotCounts);
    state.cursor = cursor;
    state.rollingBack = rollingBack;
    state.rolledBack = rolledBack;
    state.approvedStage = approvedStage;
    state.pausedBy = pausedBy;
    state.abort = abort;
    state.reason = reason;
    state.status = null;
    return state;
  }

  /** A run before version 1 carried no status: it continued as new only while RUNNING or PAUSED. */
  RolloutState afterContinueAsNew() {
    if (status == null) {
      status = pausedBy != null ? RolloutStatus.PAUSED : RolloutStatus.RUNNING;
    }
    return this;
  }

  void started(String robotId, int stage, long now, boolean switchingBack) {
    inFlight.put(robotId, new InFlightRobot(stage, now, switchingBack));
  }

  /**
   * Counts a robot's report. Returns what it was in flight for, or null for a report of a robot not in flight (sent
   * twice, or a run reset to before the robot started): it is ignored.
   */
  InFlightRobot reported(RobotUpdateResult result) {
    InFlightRobot robot = inFlight.remove(result.robotId());
    if (robot == null) {
      return null;
    }
    stopSent.remove(result.robotId());
    holdSent.remove(result.robotId());
    if (robot.switchingBack() && result.outcome() == RobotUpdateState.ROLLED_BACK) {
      rolledBack++;
    }
    if (robot.stage() == InFlightRobot.ROLLBACK) {
      return robot;
    }
    if (result.outcome() == RobotUpdateState.PENDING) {
      requeued.add(result.robotId());
      return robot;
    }
    robotCounts.merge(result.outcome().name(), 1, Integer::sum);
    int stage = robot.stage();
    stageFinished.set(stage, stageFinished.get(stage) + 1);
    if (result.outcome() == RobotUpdateState.COMMITTED) {
      stageCommitted.set(stage, stageCommitted.get(stage) + 1);
    }
    return robot;
  }

  int committed() {
    return robotCounts.getOrDefault(RobotUpdateState.COMMITTED.name(), 0);
  }

  int count(RobotUpdateState state) {
    return robotCounts.getOrDefault(state.name(), 0);
  }

  /** Robots of {@code stage} that ended other than COMMITTED. */
  int failed(int stage) {
    return stageFinished.get(stage) - stageCommitted.get(stage);
  }

  StageProgress stage(int index, StagePlan plan) {
    return new StageProgress(plan.name(), stageSizes.get(index), stageCommitted.get(index), stageFinished.get(index),
        plan.minHealthy());
  }

  /**
   * Why a stage with {@code failed} robots ended other than COMMITTED can no longer pass, or null while it can: more
   * failures than its maxFailures, or too few robots left to reach minHealthy.
   */
  static String cannotPass(StagePlan stage, int size, int failed) {
    if (stage.maxFailures() != null && failed > stage.maxFailures()) {
      return String.format("stage '%s' stopped early: %d robots failed, more than its maxFailures %d",
          stage.name(), failed, stage.maxFailures());
    }
    int canStillCommit = size - failed;
    if ((double) canStillCommit / size < stage.minHealthy()) {
      // One decimal: 499 of 500 must not read as 100% < 100%.
      return String.format(Locale.ROOT, "stage '%s' stopped early: %d of %d robots failed, so at most %d can be"
          + " healthy (%.1f%%) < %.1f%%", stage.name(), failed, size, canStillCommit, 100.0 * canStillCommit / size,
          stage.minHealthy() * 100);
    }
    return null;
  }

  RolloutProgress progress(RolloutRequest request) {
    List<StageProgress> stages = new ArrayList<>();
    int finished = 0;
    for (int i = 0; i < stageSizes.size(); i++) {
      stages.add(stage(i, request.plan().stages().get(i)));
      finished += stageFinished.get(i);
    }
    int updatesInFlight = (int) inFlight.values().stream().filter(robot -> robot.stage() != InFlightRobot.ROLLBACK)
        .count();
    Map<String, Integer> counts = new TreeMap<>(robotCounts);
    counts.values().removeIf(count -> count == 0);
    int total = stageSizes.stream().mapToInt(Integer::intValue).sum();
    counts.put(RobotUpdateState.PENDING.name(), total - finished - updatesInFlight);
    counts.put("IN_FLIGHT", inFlight.size());
    return new RolloutProgress(request.rolloutId(), request.release().version(), status, stageIndex, stages, counts,
        rolledBack, reason, analysis);
  }
}
