package io.otaflow.rollout;

import io.otaflow.analysis.Measurement;
import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test fake for the database edge: the registry as maps, same paging and idempotency as the real one. */
class InMemoryRegistry implements RolloutRegistryActivities, RobotStateActivities {

  private static final Set<RobotUpdateState> ROLLBACK_STATES = EnumSet.of(RobotUpdateState.COMMITTED,
      RobotUpdateState.APPLIED, RobotUpdateState.HEALTH_CHECKING, RobotUpdateState.ROLLBACK_FAILED);

  private final List<String> fleet;
  private final Map<String, Map<String, Integer>> stageOf = new ConcurrentHashMap<>();
  private final Map<String, Map<String, RobotUpdateState>> states = new ConcurrentHashMap<>();
  final Map<String, String> installedVersions = new ConcurrentHashMap<>();
  final List<String> rolloutEvents = new CopyOnWriteArrayList<>();
  /** Analysis measurements: outcome, stage and reason, like {@code PASS canary stage 'canary' analysis ...}. */
  final List<String> analysisEvents = new CopyOnWriteArrayList<>();
  private final Map<String, String> reasons = new ConcurrentHashMap<>();
  private final Map<String, String> openRuns = new ConcurrentHashMap<>();
  private final Map<String, List<RobotUpdateState>> history = new ConcurrentHashMap<>();

  InMemoryRegistry(List<String> fleet) {
    this.fleet = List.copyOf(fleet);
  }

  @Override
  public synchronized List<Integer> assignStages(String rolloutId, TargetSelector target, RolloutPlan plan,
                                                String releaseVersion) {
    List<String> targets = target.robotIds().isEmpty() ? fleet : target.robotIds();
    List<String> unknown = targets.stream().filter(robot -> !fleet.contains(robot)).toList();
    if (!unknown.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("unknown robot(s): " + String.join(", ", unknown),
          RegistryOptions.UNKNOWN_ROBOT);
    }
    List<List<String>> stages = StagePlanner.assign(rolloutId, targets, plan);
    Map<String, Integer> assignment = stageOf.computeIfAbsent(rolloutId, id -> new TreeMap<>());
    for (int i = 0; i < stages.size(); i++) {
      for (String robot : stages.get(i)) {
        assignment.put(robot, i);
        states.computeIfAbsent(rolloutId, id -> new ConcurrentHashMap<>()).putIfAbsent(robot,
            RobotUpdateState.PENDING);
      }
    }
    return stages.stream().map(List::size).toList();
  }

  @Override
  public synchronized List<String> stageRobots(String rolloutId, int stage, String afterRobotId, int limit) {
    return page(stageOf.get(rolloutId).entrySet().stream().filter(e -> e.getValue() == stage)
        .map(Map.Entry::getKey).sorted().toList(), afterRobotId, limit);
  }

  @Override
  public synchronized List<String> robotsInState(String rolloutId, List<RobotUpdateState> wanted,
                                                 String afterRobotId, int limit) {
    return page(states.getOrDefault(rolloutId, Map.of()).entrySet().stream()
        .filter(e -> wanted.contains(e.getValue())).map(Map.Entry::getKey).sorted().toList(), afterRobotId, limit);
  }

  @Override
  public synchronized List<String> robotsToRollBack(String rolloutId, String releaseVersion, String afterRobotId,
                                                    int limit) {
    return page(states.getOrDefault(rolloutId, Map.of()).entrySet().stream()
        .filter(e -> ROLLBACK_STATES.contains(e.getValue()) && !movedOn(e.getKey(), e.getValue(), releaseVersion))
        .map(Map.Entry::getKey).sorted().toList(), afterRobotId, limit);
  }

  @Override
  public synchronized int countMovedOn(String rolloutId, String releaseVersion) {
    return (int) states.getOrDefault(rolloutId, Map.of()).entrySet().stream()
        .filter(e -> movedOn(e.getKey(), e.getValue(), releaseVersion)).count();
  }

  /** As in the registry: a robot with no installed version known does not run the release. */
  private boolean movedOn(String robotId, RobotUpdateState state, String releaseVersion) {
    return state == RobotUpdateState.COMMITTED && !releaseVersion.equals(installedVersions.get(robotId));
  }

  @Override
  public synchronized Map<RobotUpdateState, Integer> countRobots(String rolloutId) {
    Map<RobotUpdateState, Integer> counts = new TreeMap<>();
    states.getOrDefault(rolloutId, Map.of()).values().forEach(state -> counts.merge(state, 1, Integer::sum));
    return counts;
  }

  private static List<String> page(List<String> sorted, String after, int limit) {
    List<String> page = new ArrayList<>();
    for (String robot : sorted) {
      if ((after == null || robot.compareTo(after) > 0) && page.size() < limit) {
        page.add(robot);
      }
    }
    return page;
  }

  @Override
  public void recordOpenRun(String rolloutId, String runId) {
    if (runId == null) {
      openRuns.remove(rolloutId);
    } else {
      openRuns.put(rolloutId, runId);
    }
  }

  @Override
  public synchronized RobotUpdateResult robotState(String rolloutId, String robotId) {
    RobotUpdateState state = states.getOrDefault(rolloutId, Map.of()).get(robotId);
    String reason = reasons.get(rolloutId + "/" + robotId);
    return state == null ? null : new RobotUpdateResult(robotId, state, reason == null || reason.isEmpty() ? null
        : reason, null);
  }

  @Override
  public synchronized List<RobotUpdateResult> endedRobots(String rolloutId, List<String> robotIds) {
    return robotIds.stream().map(robotId -> robotState(rolloutId, robotId))
        .filter(row -> row != null && row.outcome() != RobotUpdateState.PENDING
            && !RobotUpdateState.IN_PROGRESS.contains(row.outcome()))
        .toList();
  }

  @Override
  public void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason) {
    rolloutEvents.add(status + (reason == null ? "" : ": " + reason));
  }

  @Override
  public void recordAnalysis(String rolloutId, String stage, Measurement.Outcome outcome, String reason) {
    analysisEvents.add(outcome + " " + stage + " " + reason);
  }

  @Override
  public synchronized void recordRobotState(String rolloutId, String robotId, RobotUpdateState state, String reason,
                                            String installedVersion) {
    states.computeIfAbsent(rolloutId, id -> new ConcurrentHashMap<>()).put(robotId, state);
    reasons.put(rolloutId + "/" + robotId, reason == null ? "" : reason);
    history.computeIfAbsent(rolloutId + "/" + robotId, key -> new CopyOnWriteArrayList<>()).add(state);
    if (installedVersion != null) {
      installedVersions.put(robotId, installedVersion);
    }
  }

  @Override
  public String recordOutcome(String rolloutId, String robotId, RobotUpdateState state, String reason,
                              String installedVersion) {
    recordRobotState(rolloutId, robotId, state, reason, installedVersion);
    return openRuns.get(rolloutId);
  }

  synchronized RobotUpdateState state(String rolloutId, String robotId) {
    return states.get(rolloutId).get(robotId);
  }

  List<RobotUpdateState> history(String rolloutId, String robotId) {
    return history.getOrDefault(rolloutId + "/" + robotId, List.of());
  }

  String reason(String rolloutId, String robotId) {
    return reasons.get(rolloutId + "/" + robotId);
  }

  synchronized List<String> stage(String rolloutId, int stage) {
    return stageRobots(rolloutId, stage, null, Integer.MAX_VALUE);
  }
}
