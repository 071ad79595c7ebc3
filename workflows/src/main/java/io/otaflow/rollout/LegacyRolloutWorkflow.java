package io.otaflow.rollout;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.FailureAction;
import io.otaflow.plan.StagePlan;
import io.otaflow.robotupdate.RobotActivityOptions;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.robotupdate.RobotUpdateRequest;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.robotupdate.RobotUpdateWorkflow;
import io.otaflow.robotupdate.SlotActivities;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * Rollouts started before version 1 of {@link RolloutWorkflowImpl}, kept so that they replay and finish as they
 * began: robot updates are children whose results the rollout awaits (it drains them before continuing as new), and
 * the rollback phase calls the robots' rollback activity directly. {@link RolloutWorkflowImpl} hands such a rollout
 * here; nothing else starts one.
 */
class LegacyRolloutWorkflow implements RolloutWorkflow {

  private static final int PAGE_SIZE = RolloutWorkflowImpl.PAGE_SIZE;
  /**
   * Robots a rollback must switch back: committed ones, applied ones whose robot workflow broke off after apply, and
   * those whose own rollback failed (one more try: an unreachable robot may be back).
   */
  private static final List<RobotUpdateState> UPDATED_STATES = List.of(RobotUpdateState.COMMITTED,
      RobotUpdateState.APPLIED, RobotUpdateState.HEALTH_CHECKING, RobotUpdateState.ROLLBACK_FAILED);
  private static final Logger log = Workflow.getLogger(RolloutWorkflowImpl.class);

  private final int historyBudget;
  private final RolloutRegistryActivities registry =
      Workflow.newLocalActivityStub(RolloutRegistryActivities.class, RegistryOptions.LOCAL,
          RegistryOptions.ROLLOUT_REGISTRY_METHODS);
  private final RobotStateActivities robotStates =
      Workflow.newLocalActivityStub(RobotStateActivities.class, RegistryOptions.LOCAL);

  private static final String SKIP_EMPTY_STAGE_BAKE = "skip-empty-stage-bake";
  private static final String STOP_STAGE_EARLY = "stop-stage-early";

  private RolloutRequest request;
  private RolloutStatus status = RolloutStatus.PENDING;
  private int stageIndex = -1;
  private List<Integer> stageSizes = List.of();
  private int[] stageCommitted = new int[0];
  private int[] stageFinished = new int[0];
  /** Final states of robots (by state name); PENDING and IN_FLIGHT are derived when progress is asked. */
  private final Map<String, Integer> robotCounts = new TreeMap<>();
  private String cursor;
  private boolean rollingBack;
  private int rolledBack;
  private int approvedStage = -1;
  private OperatorCommand pausedBy;
  private AbortCommand abort;
  private String reason;
  /** Rollouts recorded before stages stopped early ran every robot of a failing stage: they replay that way. */
  private boolean stopsStagesEarly;
  /** Why the current stage stopped before all its robots ran (it can no longer pass), or null. */
  private String stageStopped;

  /**
   * The robot updates of the current stage that have not reported yet, with the promise of their start: an abort
   * signal sent before the start would be lost. (Their results are in forEachRobot's window.)
   */
  private final Map<String, Promise<WorkflowExecution>> inFlight = new LinkedHashMap<>();
  private final Set<String> abortSent = new HashSet<>();

  LegacyRolloutWorkflow(int historyBudget) {
    this.historyBudget = historyBudget;
  }

  @Override
  public RolloutProgress run(RolloutRequest request, RolloutState checkpoint) {
    this.request = request;
    stopsStagesEarly = Workflow.getVersion(STOP_STAGE_EARLY, Workflow.DEFAULT_VERSION, 1) >= 1;
    if (checkpoint != null) {
      restore(checkpoint);
    } else if (!start()) {
      return progress();
    }

    while (!rollingBack && abort == null && stageIndex < stageSizes.size()) {
      StagePlan stage = request.plan().stages().get(stageIndex);
      if (cursor == null && !enterStage(stage)) {
        break;
      }
      if (!forEachRobot(after -> registry.stageRobots(request.rolloutId(), stageIndex, after, PAGE_SIZE),
          this::startRobotUpdate, this::robotUpdateFinished, true)) {
        continueAsNew();
      }
      if (abort != null) {
        break;
      }
      StageProgress tally = stageProgress(stageIndex);
      String failed = RolloutRules.stageFailure(stage, tally, stageStopped);
      if (failed != null && request.plan().onFailure() != FailureAction.PAUSE) {
        startRollback(failed);
        break;
      }
      if (failed != null) {
        if (!acceptedByAPerson(failed)) {
          break;
        }
        stageIndex++;
        cursor = null;
        continue;
      }
      boolean bakes = bakes(stage, tally);
      log.info("rollout {} stage '{}' passed: {}/{} healthy; baking {}", request.rolloutId(), stage.name(),
          tally.committed(), tally.size(), bakes ? stage.bakeTime() : "not at all");
      if (bakes) {
        Workflow.await(stage.bakeTime(), () -> abort != null);
      }
      if (abort == null) {
        stageIndex++;
        cursor = null;
      }
    }

    if (abort != null && !rollingBack) {
      String aborted = "aborted by " + abort.by() + ": " + abort.reason();
      int updated = robotCounts.getOrDefault(RobotUpdateState.COMMITTED.name(), 0);
      if (!abort.rollback() || updated == 0) {
        String declined = updated == 0 ? aborted : aborted + "; rollback declined, " + updated + " robots stay on "
            + request.release().version();
        int notRolledBack = robotCounts.getOrDefault(RobotUpdateState.ROLLBACK_FAILED.name(), 0);
        return notRolledBack == 0 ? end(RolloutStatus.ABORTED, declined)
            : end(RolloutStatus.FAILED, declined + "; " + notRolledBack + " robots could not be rolled back");
      }
      startRollback(aborted);
    }
    if (rollingBack) {
      return rollBackUpdatedRobots();
    }
    return end(RolloutStatus.SUCCEEDED, null);
  }

  /**
   * Baking watches the robots a stage updated; a stage that got none (1 robot, 50% after a canary of 1) has nothing to
   * watch. Rollouts recorded before this rule bake such stages anyway, so that they replay.
   */
  private static boolean bakes(StagePlan stage, StageProgress tally) {
    if (stage.bakeTime().isZero()) {
      return false;
    }
    return tally.size() > 0
        || Workflow.getVersion(SKIP_EMPTY_STAGE_BAKE, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION;
  }

  /**
   * onFailure PAUSE: stops with the failed stage's reason until a person resumes (true: the stage is accepted, the
   * rollout goes on to the next) or aborts (false: the abort rolls back as usual).
   */
  private boolean acceptedByAPerson(String failed) {
    pausedBy = new OperatorCommand("otaflow", failed);
    setStatus(RolloutStatus.PAUSED, failed + "; paused for a person (onFailure: PAUSE): resume accepts the stage and"
        + " goes on, abort rolls back");
    log.warn("rollout {} paused: {}", request.rolloutId(), failed);
    Workflow.await(() -> pausedBy == null || abort != null);
    stageStopped = null;
    return abort == null;
  }

  /** Validates, records RUNNING and assigns the stages; false when the rollout ended FAILED instead. */
  private boolean start() {
    String invalid = RolloutRules.invalidRequest(request);
    if (invalid != null) {
      end(RolloutStatus.FAILED, invalid);
      return false;
    }
    setStatus(RolloutStatus.RUNNING, null);
    try {
      stageSizes = registry.assignStages(request.rolloutId(), request.target(), request.plan(),
          request.release().version());
    } catch (ActivityFailure failure) {
      end(RolloutStatus.FAILED, "targets: " + RolloutRules.message(failure));
      return false;
    }
    stageCommitted = new int[stageSizes.size()];
    stageFinished = new int[stageSizes.size()];
    stageIndex = 0;
    log.info("rollout {} of {} over {} robots, stages {}", request.rolloutId(), request.release().version(),
        stageSizes.stream().mapToInt(Integer::intValue).sum(), stageSizes);
    return true;
  }

  /** Waits out a pause and the stage's approval (a pause may come while it waits); false when aborted meanwhile. */
  private boolean enterStage(StagePlan stage) {
    while (true) {
      Workflow.await(() -> pausedBy == null || abort != null);
      if (abort != null) {
        return false;
      }
      if (!stage.approval() || approvedStage >= stageIndex) {
        break;
      }
      setStatus(RolloutStatus.WAITING_APPROVAL, "stage '" + stage.name() + "' waits for approval");
      Workflow.await(() -> approvedStage >= stageIndex || abort != null);
    }
    setStatus(RolloutStatus.RUNNING, null);
    log.info("rollout {} starts stage '{}' with {} robots", request.rolloutId(), stage.name(),
        stageSizes.get(stageIndex));
    return true;
  }

  /**
   * Runs {@code start} for every robot that {@code page} yields, at most {@code maxParallel} at once, calling
   * {@code finished} as each completes. An {@code interruptible} run (a stage) starts no robot while paused and
   * stops early on abort (telling robots in flight to stop) or once the stage cannot pass. Returns false, with nothing in flight, when the history
   * budget is spent and the workflow must continue as new; {@link #cursor} then tells where to pick up.
   */
  private <T> boolean forEachRobot(Function<String, List<String>> page, Function<String, Promise<T>> start,
                                   BiConsumer<String, Promise<T>> finished, boolean interruptible) {
    BooleanSupplier mayStart = () -> !interruptible || !stopping() && pausedBy == null;
    Map<String, Promise<T>> window = new LinkedHashMap<>();
    Deque<String> next = new ArrayDeque<>();
    boolean exhausted = false;
    int maxParallel = request.plan().maxParallel();
    while (true) {
      while (!exhausted && window.size() < maxParallel && mayStart.getAsBoolean() && !historyFull()) {
        if (next.isEmpty()) {
          next.addAll(page.apply(cursor));
          exhausted = next.isEmpty();
          // A pause or abort may have arrived while the page was read: check again before starting anyone.
          continue;
        }
        String robot = next.poll();
        window.put(robot, start.apply(robot));
        cursor = robot;
      }
      if (window.isEmpty()) {
        if (exhausted || interruptible && stopping()) {
          return true;
        }
        if (historyFull()) {
          return false;
        }
      }
      boolean canStart = !exhausted && window.size() < maxParallel && !historyFull();
      Workflow.await(() -> window.values().stream().anyMatch(Promise::isCompleted)
          || canStart && mayStart.getAsBoolean()
          || interruptible && abort != null && (window.isEmpty() || !abortSent.containsAll(inFlight.keySet())));
      if (interruptible) {
        sendAbortToRobots();
      }
      window.entrySet().removeIf(entry -> {
        if (!entry.getValue().isCompleted()) {
          return false;
        }
        finished.accept(entry.getKey(), entry.getValue());
        return true;
      });
    }
  }

  /** A stage starts no more robots on abort or once it cannot pass. */
  private boolean stopping() {
    return abort != null || stageStopped != null;
  }

  private boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() > historyBudget || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private Promise<RobotUpdateResult> startRobotUpdate(String robotId) {
    RobotUpdateWorkflow child = Workflow.newChildWorkflowStub(RobotUpdateWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(OtaflowNames.robotWorkflowId(request.rolloutId(), robotId))
            .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
            // If this rollout is terminated, each robot still gets to roll itself back.
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .build());
    var plan = request.plan();
    Promise<RobotUpdateResult> result = Async.function(child::update, new RobotUpdateRequest(request.rolloutId(),
        robotId, stageIndex, request.release(), plan.robotTimeout(), plan.healthChecks(), plan.healthSoak(),
        plan.safeStateDeadline(), false));
    inFlight.put(robotId, Workflow.getWorkflowExecution(child));
    return result;
  }

  private void robotUpdateFinished(String robotId, Promise<RobotUpdateResult> promise) {
    inFlight.remove(robotId);
    abortSent.remove(robotId);
    RobotUpdateResult result;
    try {
      result = promise.get();
    } catch (TemporalFailure failure) {
      // The robot workflow itself broke (a bug, or terminated by hand): count it, never hang on it.
      result = new RobotUpdateResult(robotId, RobotUpdateState.FAILED, "robot workflow: " + RolloutRules.message(failure),
          null);
    }
    robotCounts.merge(result.outcome().name(), 1, Integer::sum);
    stageFinished[stageIndex]++;
    if (result.outcome() == RobotUpdateState.COMMITTED) {
      stageCommitted[stageIndex]++;
    } else if (stopsStagesEarly && stageStopped == null && stageFinished[stageIndex] < stageSizes.get(stageIndex)) {
      stageStopped = RolloutState.cannotPass(request.plan().stages().get(stageIndex), stageSizes.get(stageIndex),
          stageFinished[stageIndex] - stageCommitted[stageIndex]);
      if (stageStopped != null) {
        log.warn("rollout {} stops stage {} early: {}", request.rolloutId(), stageIndex, stageStopped);
      }
    }
  }

  /**
   * On abort, tells every robot in flight to stop; each rolls itself back if it had applied, and reports as usual. A
   * stage that stopped early lets its robots in flight finish instead: Temporal's test server can lose a robot
   * workflow that a signal reaches while it completes a task, and hundreds at once made that happen.
   */
  private void sendAbortToRobots() {
    if (abort == null) {
      return;
    }
    String why = "aborted by " + abort.by() + ": " + abort.reason();
    for (String robotId : List.copyOf(inFlight.keySet())) {
      if (abortSent.add(robotId)) {
        try {
          // A signal sent before the child has started would be lost: wait for the start first.
          inFlight.get(robotId).get();
        } catch (TemporalFailure neverStarted) {
          continue;
        }
        RobotUpdateWorkflow robot = Workflow.newExternalWorkflowStub(RobotUpdateWorkflow.class,
            OtaflowNames.robotWorkflowId(request.rolloutId(), robotId));
        // A robot whose workflow already ended rejects the signal; its result is on its way anyway.
        Async.procedure(robot::abort, why);
      }
    }
  }

  private void startRollback(String why) {
    rollingBack = true;
    cursor = null;
    pausedBy = null;
    setStatus(RolloutStatus.RUNNING, "rolling back: " + why);
    reason = why;
    log.warn("rollout {} rolls back every updated robot: {}", request.rolloutId(), why);
  }

  /** Switches every robot this rollout updated, in every stage, back to its previous release. */
  private RolloutProgress rollBackUpdatedRobots() {
    if (!forEachRobot(after -> registry.robotsInState(request.rolloutId(), UPDATED_STATES, after, PAGE_SIZE),
        robotId -> Async.function(Workflow.newActivityStub(SlotActivities.class,
            RobotActivityOptions.rollback(robotId, request.plan().robotTimeout()))::rollback, request.release()),
        this::robotRolledBack, false)) {
      continueAsNew();
    }
    robotCounts.clear();
    registry.countRobots(request.rolloutId()).forEach((state, count) -> robotCounts.put(state.name(), count));
    int notRolledBack = robotCounts.getOrDefault(RobotUpdateState.ROLLBACK_FAILED.name(), 0);
    if (notRolledBack > 0) {
      return end(RolloutStatus.FAILED, reason + "; " + notRolledBack + " robots could not be rolled back");
    }
    if (robotCounts.getOrDefault(RobotUpdateState.ROLLED_BACK.name(), 0) == 0) {
      // Nothing was switched anywhere: a stopped rollout, not a rolled-back one.
      return abort != null ? end(RolloutStatus.ABORTED, reason)
          : end(RolloutStatus.FAILED, reason + "; nothing was applied to any robot");
    }
    return end(RolloutStatus.ROLLED_BACK, reason);
  }

  private void robotRolledBack(String robotId, Promise<String> rollback) {
    try {
      String version = rollback.get();
      rolledBack++;
      robotStates.recordRobotState(request.rolloutId(), robotId, RobotUpdateState.ROLLED_BACK,
          "rollout rolled back: " + reason, version);
    } catch (TemporalFailure failure) {
      String cause = RolloutRules.message(failure);
      robotStates.recordRobotState(request.rolloutId(), robotId, RobotUpdateState.ROLLBACK_FAILED,
          "rollout rolled back: " + reason + "; " + (cause.startsWith("rollback:") ? cause : "rollback: " + cause),
          null);
    }
  }

  private void continueAsNew() {
    Workflow.await(Workflow::isEveryHandlerFinished);
    log.info("rollout {} continues as new at stage {} after robot {}", request.rolloutId(), stageIndex, cursor);
    Workflow.continueAsNew(request, checkpoint());
  }

  private RolloutState checkpoint() {
    return RolloutState.legacyCheckpoint(stageIndex, stageSizes, toList(stageCommitted), toList(stageFinished),
        Map.copyOf(robotCounts), cursor, rollingBack, rolledBack, approvedStage, pausedBy, abort, reason);
  }

  private void restore(RolloutState checkpoint) {
    stageIndex = checkpoint.stageIndex;
    stageSizes = checkpoint.stageSizes;
    stageCommitted = checkpoint.stageCommitted.stream().mapToInt(Integer::intValue).toArray();
    stageFinished = checkpoint.stageFinished.stream().mapToInt(Integer::intValue).toArray();
    robotCounts.putAll(checkpoint.robotCounts);
    cursor = checkpoint.cursor;
    rollingBack = checkpoint.rollingBack;
    rolledBack = checkpoint.rolledBack;
    approvedStage = checkpoint.approvedStage;
    pausedBy = checkpoint.pausedBy;
    abort = checkpoint.abort;
    reason = checkpoint.reason;
    status = pausedBy != null ? RolloutStatus.PAUSED : RolloutStatus.RUNNING;
  }

  private RolloutProgress end(RolloutStatus finalStatus, String why) {
    setStatus(finalStatus, why);
    log.info("rollout {} ended {}{}", request.rolloutId(), finalStatus, why == null ? "" : ": " + why);
    return progress();
  }

  private void setStatus(RolloutStatus newStatus, String why) {
    status = newStatus;
    reason = why;
    registry.recordRolloutStatus(request.rolloutId(), newStatus, currentStageName(), why);
  }

  private String currentStageName() {
    return stageIndex >= 0 && stageIndex < request.plan().stages().size()
        ? request.plan().stages().get(stageIndex).name() : null;
  }

  private StageProgress stageProgress(int index) {
    StagePlan stage = request.plan().stages().get(index);
    return new StageProgress(stage.name(), stageSizes.get(index), stageCommitted[index], stageFinished[index],
        stage.minHealthy());
  }

  @Override
  public RolloutProgress progress() {
    List<StageProgress> stages = new ArrayList<>();
    int finished = 0;
    for (int i = 0; i < stageSizes.size(); i++) {
      stages.add(stageProgress(i));
      finished += stageFinished[i];
    }
    Map<String, Integer> counts = new TreeMap<>(robotCounts);
    counts.values().removeIf(count -> count == 0);
    int total = stageSizes.stream().mapToInt(Integer::intValue).sum();
    counts.put(RobotUpdateState.PENDING.name(), total - finished - inFlight.size());
    counts.put("IN_FLIGHT", inFlight.size());
    return new RolloutProgress(request == null ? null : request.rolloutId(),
        request == null ? null : request.release().version(), status, stageIndex, stages, counts, rolledBack,
        reason);
  }

  @Override
  public RolloutProgress pause(OperatorCommand command) {
    pausedBy = command;
    setStatus(RolloutStatus.PAUSED, "paused by " + command.by() + ": " + command.reason());
    return progress();
  }

  @Override
  public void validatePause(OperatorCommand command) {
    RolloutRules.requireCommand("pause", command, rollingBack, status, RolloutStatus.RUNNING);
  }

  @Override
  public RolloutProgress resume(OperatorCommand command) {
    pausedBy = null;
    setStatus(RolloutStatus.RUNNING, null);
    return progress();
  }

  @Override
  public void validateResume(OperatorCommand command) {
    RolloutRules.requireCommand("resume", command, rollingBack, status, RolloutStatus.PAUSED);
  }

  @Override
  public RolloutProgress approve(OperatorCommand command) {
    approvedStage = stageIndex;
    setStatus(RolloutStatus.RUNNING, null);
    return progress();
  }

  @Override
  public void validateApprove(OperatorCommand command) {
    RolloutRules.requireCommand("approve", command, rollingBack, status, RolloutStatus.WAITING_APPROVAL);
  }

  @Override
  public RolloutProgress abort(AbortCommand command) {
    abort = command;
    log.warn("rollout {} aborted by {}: {}", request.rolloutId(), command.by(), command.reason());
    return progress();
  }

  @Override
  public void validateAbort(AbortCommand command) {
    RolloutRules.requireAbortable(command, status, abort != null || rollingBack);
  }

  /** Results come back as child results here; a robot workflow of the current version also reports by signal. */
  @Override
  public void robotFinished(RobotUpdateResult result) {
  }

  @Override
  public void killSwitch(OperatorCommand command) {
    if (status.isFinal() || rollingBack || abort != null || pausedBy != null) {
      return;
    }
    pausedBy = command;
    setStatus(RolloutStatus.PAUSED, "kill switch on by " + command.by() + ": " + command.reason());
  }

  private static List<Integer> toList(int[] values) {
    return java.util.Arrays.stream(values).boxed().toList();
  }
}
