package io.otaflow.devstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.rollout.RolloutWorkflowImpl;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * What the instant rollout benchmark checks once its rollout ended, from outside the workflow: from Temporal's
 * histories, every run of the rollout (continue-as-new followed back from the last) and a sample of its robots'
 * workflows; from the registry, what each robot went through. Each failed check is one line.
 */
public final class InstantRolloutChecks {

  /** Temporal warns past this many events in one execution's history: no run of a rollout may get there. */
  public static final int HISTORY_EVENT_LIMIT = 10_240;
  /** Temporal refuses more pending child workflows than this in one execution. */
  private static final int TEMPORAL_PENDING_CHILDREN_LIMIT = 2_000;
  private static final String REPORT_SIGNAL = "robotFinished";
  private static final String UPDATE_TYPE = "RobotUpdateWorkflow";
  private static final Set<EventType> RETRIED_TASK = Set.of(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);

  private final WorkflowClient client;
  private final Jdbi registry;
  private final DataConverter converter;

  public InstantRolloutChecks(WorkflowClient client, Jdbi registry) {
    this.client = client;
    this.registry = registry;
    this.converter = client.getOptions().getDataConverter();
  }

  /**
   * What the run must have been.
   *
   * @param maxParallel        the plan's: robot updates in flight at once, at most
   * @param historyEventLimit  events any execution's history may hold, at most
   * @param childHistorySample robot workflows whose history is fetched and counted, at most (spread evenly)
   * @param lastStageFails     the last stage's robots fail, so the rollout rolls back every robot it updated
   */
  public record Expected(int fleet, int maxParallel, int historyEventLimit, int childHistorySample,
                         boolean lastStageFails) {
  }

  /**
   * @param runs                    the rollout workflow's runs
   * @param stageLoopContinuations  runs that began from a continue-as-new in the stage loop
   * @param rollbackContinuations   runs that began from a continue-as-new in the rollback phase
   * @param longestRunEvents        events in the longest run's history
   * @param childrenChecked         robot workflows whose history was counted, of {@code children}
   * @param longestChildEvents      events in the longest of those
   * @param childrenWithRetriedTasks of those, robot workflows with a workflow task that failed or timed out (and ran
   *                                its local activities again)
   * @param peakUpdatesInFlight     robot updates started and not yet reported, at most, over all runs
   * @param peakRobotsInFlight      robot workflows (updates and rollbacks) started and not reported, at most
   * @param peakPendingChildren     children Temporal counted pending in one run, at most
   * @param robotsUpdated           robot update workflows the rollout started
   * @param robotsRolledBack        robot rollback workflows the rollout started
   * @param repeatedRecords         robots with a state recorded more than once in the audit trail: a local activity
   *                                run again when its workflow task was retried (the same fact, counted once)
   * @param failures                one line per failed check; empty when every check passed
   */
  public record Result(int runs, int stageLoopContinuations, int rollbackContinuations, int longestRunEvents,
                       int children, int childrenChecked, int longestChildEvents, int childrenWithRetriedTasks,
                       int peakUpdatesInFlight,
                       int peakRobotsInFlight, int peakPendingChildren, int robotsUpdated, int robotsRolledBack,
                       int repeatedRecords, List<String> failures) {

    public boolean passed() {
      return failures.isEmpty();
    }
  }

  public Result check(String rolloutId, Expected expected) {
    List<String> failures = new ArrayList<>();
    Histories histories = readRollout(rolloutId);
    int robotsInFlightLimit = Math.max(expected.maxParallel(), RolloutWorkflowImpl.ROLLBACK_WINDOW);
    if (histories.longestRunEvents > expected.historyEventLimit()) {
      failures.add(String.format(Locale.ROOT, "history: a run of rollout %s has %,d events, more than %,d",
          rolloutId, histories.longestRunEvents, expected.historyEventLimit()));
    }
    if (histories.peakUpdatesInFlight > expected.maxParallel()) {
      failures.add(String.format(Locale.ROOT, "maxParallel: %d robot updates were in flight at once, more than %d",
          histories.peakUpdatesInFlight, expected.maxParallel()));
    }
    if (histories.peakRobotsInFlight > robotsInFlightLimit) {
      failures.add(String.format(Locale.ROOT, "maxParallel: %d robot workflows in flight at once, more than %d (the"
          + " rollback phase's window)", histories.peakRobotsInFlight, robotsInFlightLimit));
    }
    // Temporal counts a child pending until it closes, a moment after its report: above the rollout's own count.
    if (histories.peakPendingChildren > TEMPORAL_PENDING_CHILDREN_LIMIT) {
      failures.add(String.format(Locale.ROOT, "pending children: %d in one run, more than Temporal's %d",
          histories.peakPendingChildren, TEMPORAL_PENDING_CHILDREN_LIMIT));
    }
    if (histories.stageLoopContinuations == 0) {
      failures.add("continue-as-new: never happened in the stage loop (" + histories.runs + " runs)");
    }
    if (expected.lastStageFails() && histories.rollbackContinuations == 0) {
      failures.add("continue-as-new: never happened in the rollback phase (" + histories.runs + " runs)");
    }
    int longestChild = 0;
    int retriedTasks = 0;
    List<String> sample = evenSample(histories.children, expected.childHistorySample());
    for (String child : sample) {
      List<HistoryEvent> events = client.fetchHistory(child).getEvents();
      longestChild = Math.max(longestChild, events.size());
      retriedTasks += events.stream().anyMatch(event -> RETRIED_TASK.contains(event.getEventType())) ? 1 : 0;
    }
    if (longestChild > expected.historyEventLimit()) {
      failures.add(String.format(Locale.ROOT, "history: a robot workflow of rollout %s has %,d events, more than %,d",
          rolloutId, longestChild, expected.historyEventLimit()));
    }
    RobotTally robots = tallyRobots(rolloutId, expected, histories, failures);
    return new Result(histories.runs, histories.stageLoopContinuations, histories.rollbackContinuations,
        histories.longestRunEvents, histories.children.size(), sample.size(), longestChild, retriedTasks,
        histories.peakUpdatesInFlight, histories.peakRobotsInFlight, histories.peakPendingChildren, robots.updated,
        robots.rolledBack, robots.repeatedRecords, List.copyOf(failures));
  }

  /** What the rollout's runs' histories tell, in the order the runs ran. */
  private static final class Histories {
    int runs;
    int stageLoopContinuations;
    int rollbackContinuations;
    int longestRunEvents;
    int peakUpdatesInFlight;
    int peakRobotsInFlight;
    int peakPendingChildren;
    final List<String> children = new ArrayList<>();
    /** Robot workflows started, by workflow ID, over all runs: a robot updated or rolled back twice shows here. */
    final Map<String, Integer> starts = new HashMap<>();
  }

  private Histories readRollout(String rolloutId) {
    List<List<HistoryEvent>> runs = WorkflowRuns.of(client, OtaflowNames.rolloutWorkflowId(rolloutId));

    Histories histories = new Histories();
    // Robot workflows in flight by workflow ID, carried across runs: they outlive the run that started them.
    Map<String, String> inFlight = new HashMap<>();
    int updatesInFlight = 0;
    for (List<HistoryEvent> run : runs) {
      histories.runs++;
      histories.longestRunEvents = Math.max(histories.longestRunEvents, run.size());
      carriedState(run.get(0)).ifPresent(state -> {
        if (state.path("rollingBack").asBoolean()) {
          histories.rollbackContinuations++;
        } else {
          histories.stageLoopContinuations++;
        }
      });
      int pending = 0;
      for (HistoryEvent event : run) {
        switch (event.getEventType()) {
          case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED -> {
            var started = event.getStartChildWorkflowExecutionInitiatedEventAttributes();
            inFlight.put(started.getWorkflowId(), started.getWorkflowType().getName());
            histories.starts.merge(started.getWorkflowId(), 1, Integer::sum);
            updatesInFlight += started.getWorkflowType().getName().equals(UPDATE_TYPE) ? 1 : 0;
            pending++;
          }
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED ->
              histories.children.add(event.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution()
                  .getWorkflowId());
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED -> {
            // A robot's result is its report to the run that started it (unless it signalled first).
            pending--;
            String type = inFlight.remove(event.getChildWorkflowExecutionCompletedEventAttributes()
                .getWorkflowExecution().getWorkflowId());
            updatesInFlight -= UPDATE_TYPE.equals(type) ? 1 : 0;
          }
          case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
               EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
               EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED -> pending--;
          case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
            // A robot that outlived the run that started it reports to a later run by signal.
            var signal = event.getWorkflowExecutionSignaledEventAttributes();
            if (signal.getSignalName().equals(REPORT_SIGNAL)) {
              String robotId = report(signal.getInput()).robotId();
              String type = inFlight.remove(OtaflowNames.robotWorkflowId(rolloutId, robotId));
              if (type == null) {
                inFlight.remove(OtaflowNames.robotRollbackWorkflowId(rolloutId, robotId));
              } else {
                updatesInFlight--;
              }
            }
          }
          default -> {
          }
        }
        histories.peakPendingChildren = Math.max(histories.peakPendingChildren, pending);
        histories.peakRobotsInFlight = Math.max(histories.peakRobotsInFlight, inFlight.size());
        histories.peakUpdatesInFlight = Math.max(histories.peakUpdatesInFlight, updatesInFlight);
      }
    }
    return histories;
  }

  /** The state a run continued from (its second argument), or empty for the first run. */
  private Optional<JsonNode> carriedState(HistoryEvent started) {
    Payloads input = started.getWorkflowExecutionStartedEventAttributes().getInput();
    if (input.getPayloadsCount() < 2) {
      return Optional.empty();
    }
    JsonNode state = converter.fromPayloads(1, Optional.of(input), JsonNode.class, JsonNode.class);
    return state == null || state.isNull() ? Optional.empty() : Optional.of(state);
  }

  private RobotUpdateResult report(Payloads input) {
    return converter.fromPayloads(0, Optional.of(input), RobotUpdateResult.class, RobotUpdateResult.class);
  }

  /** At most {@code size} of {@code all}, evenly spread, the first and the last included. */
  static List<String> evenSample(List<String> all, int size) {
    if (all.size() <= size) {
      return all;
    }
    List<String> sample = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      sample.add(all.get((int) ((long) i * (all.size() - 1) / Math.max(1, size - 1))));
    }
    return sample;
  }

  private record RobotTally(int updated, int rolledBack, int repeatedRecords) {
  }

  /**
   * Every robot of the rollout updated exactly once (at most once in the failing stage), by the rollout's histories:
   * one update workflow started, and one rollback workflow for each robot its update left on the release when the
   * rollout rolls back, none otherwise; by the registry: the robot's last state and the first and last states its
   * update records in the audit trail.
   */
  private RobotTally tallyRobots(String rolloutId, Expected expected, Histories histories, List<String> failures) {
    Map<String, Integer> stageOf = new HashMap<>();
    Map<String, RobotUpdateState> lastState = new HashMap<>();
    registry.useHandle(h -> h.createQuery("SELECT robot_id, stage_index, state FROM rollout_robots"
            + " WHERE rollout_id = :id")
        .bind("id", rolloutId)
        .map((rs, ctx) -> {
          stageOf.put(rs.getString("robot_id"), rs.getInt("stage_index"));
          return lastState.put(rs.getString("robot_id"), RobotUpdateState.valueOf(rs.getString("state")));
        }).list());
    int lastStage = stageOf.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    Map<String, Map<RobotUpdateState, Integer>> records = new HashMap<>();
    List<String> counted = new ArrayList<>(List.of(InstantRobot.UPDATE_BEGINS.name(), InstantRobot.ROLLED_BACK.name()));
    InstantRobot.UPDATE_OUTCOMES.forEach(outcome -> counted.add(outcome.name()));
    registry.useHandle(h -> h.createQuery("SELECT robot_id, status, COUNT(*) AS n FROM rollout_events"
            + " WHERE rollout_id = :id AND kind = 'ROBOT_STATE' AND status IN (<states>) GROUP BY robot_id, status")
        .bind("id", rolloutId).bindList("states", counted)
        .map((rs, ctx) -> records.computeIfAbsent(rs.getString("robot_id"),
            robot -> new EnumMap<>(RobotUpdateState.class)).put(RobotUpdateState.valueOf(rs.getString("status")),
            rs.getInt("n")))
        .list());

    if (stageOf.size() != expected.fleet()) {
      failures.add(String.format(Locale.ROOT, "robots: the rollout holds %,d robots, the fleet %,d", stageOf.size(),
          expected.fleet()));
    }
    int updated = 0;
    int rolledBack = 0;
    int repeated = 0;
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Integer> robot : stageOf.entrySet()) {
      String robotId = robot.getKey();
      int updates = histories.starts.getOrDefault(OtaflowNames.robotWorkflowId(rolloutId, robotId), 0);
      int rollbacks = histories.starts.getOrDefault(OtaflowNames.robotRollbackWorkflowId(rolloutId, robotId), 0);
      Map<RobotUpdateState, Integer> recorded = records.getOrDefault(robotId, Map.of());
      boolean began = recorded.containsKey(InstantRobot.UPDATE_BEGINS);
      boolean ended = InstantRobot.UPDATE_OUTCOMES.stream().anyMatch(recorded::containsKey);
      boolean committed = recorded.containsKey(InstantRobot.UPDATED);
      boolean inFailingStage = expected.lastStageFails() && robot.getValue() == lastStage;
      boolean updatedOnce = updates == 1 && began && ended || inFailingStage && updates == 0 && !began;
      int rollbacksDue = expected.lastStageFails() && committed ? 1 : 0;
      RobotUpdateState expectedState = rollbacksDue == 1 ? InstantRobot.ROLLED_BACK
          : expected.lastStageFails() ? lastState.get(robotId) : InstantRobot.UPDATED;
      updated += updates;
      rolledBack += rollbacks;
      repeated += recorded.values().stream().anyMatch(n -> n > 1) ? 1 : 0;
      if (!updatedOnce || rollbacks != rollbacksDue || (!inFailingStage && !committed)
          || lastState.get(robotId) != expectedState) {
        wrong.add(String.format(Locale.ROOT, "%s (stage %d: %d updates, %d rollbacks started; now %s)", robotId,
            robot.getValue(), updates, rollbacks, lastState.get(robotId)));
      }
    }
    if (!wrong.isEmpty()) {
      wrong.sort(null);
      failures.add(String.format(Locale.ROOT, "robots: %,d not updated exactly once%s, such as %s", wrong.size(),
          expected.lastStageFails() ? " and rolled back once" : "", String.join(", ",
              wrong.subList(0, Math.min(3, wrong.size())))));
    }
    return new RobotTally(updated, rolledBack, repeated);
  }
}
