package io.otaflow.rollout;

import io.otaflow.analysis.AnalysisActivities;
import io.otaflow.analysis.AnalysisOptions;
import io.otaflow.analysis.CheckTally;
import io.otaflow.analysis.Measurement;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.OtaflowSearchAttributes;
import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.domain.WorkflowMetrics;
import io.otaflow.plan.FailureAction;
import io.otaflow.plan.InconclusiveAction;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.robotupdate.RobotRollbackWorkflow;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.robotupdate.RobotUpdateRequest;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.robotupdate.RobotUpdateWorkflow;
import io.otaflow.robotupdate.RolloutReport;
import io.otaflow.rollout.RolloutState.InFlightRobot;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * The rollout algorithm: stages in order, each with an optional approval, a bounded window of robot updates, a
 * threshold check and a bake time. A stage stops as soon as it can no longer pass; then, or when a person aborts,
 * every robot this rollout updated, in every stage, is switched back. Robot workflows are abandoned children, so the
 * window carries over continue-as-new and no robot holds the rollout; each reports by its result to the run that
 * started it, or by signal to a later run ({@link RolloutReport}). Robot lists are paged from the registry. All the
 * rollout knows is one {@link RolloutState}.
 */
public class RolloutWorkflowImpl implements RolloutWorkflow {

  /** Continue as new past this many history events: a fifth of Temporal's 51,200 limit. */
  static final int DEFAULT_HISTORY_BUDGET = 10_000;
  static final int PAGE_SIZE = 100;
  /**
   * Signals to robot workflows in flight at once (stop, hold, ping): hundreds sent in one go made Temporal's test
   * server lose a robot workflow, and a real server gains nothing from a burst either.
   */
  private static final int SIGNALS_AT_ONCE = 20;
  /**
   * Robots switched back at once in the rollback phase, whatever the plan's maxParallel: a rollback downloads
   * nothing, and getting the fleet back to a safe state fast matters more than pacing. The cap of maxParallel, far
   * below Temporal's 2,000 pending children.
   */
  public static final int ROLLBACK_WINDOW = 500;
  /** Rollouts started before robot workflows reported by signal run as {@link LegacyRolloutWorkflow}. */
  private static final String WINDOW_OVER_CONTINUE_AS_NEW = "window-over-continue-as-new";
  /** Rollouts before this let robots in flight finish before their rollback phase began. */
  private static final String ROLLBACK_DURING_DRAIN = "rollback-during-drain";
  /** Rollouts before this took a refused restart for a reset's leftover: they pinged the robot workflow instead. */
  private static final String RESTART_ONCE_CLOSED = "restart-once-closed";
  /** Rollouts before this carried no search attributes or memo, and started their robots without summaries. */
  private static final String WEB_UI = "web-ui";
  /** Rollouts before this had no stage analysis: a stage only baked. */
  private static final String STAGE_ANALYSIS = "stage-analysis";
  /**
   * Rollouts before this counted only the history already written against the budget: a window of robots started in
   * one workflow task, and what they add while the run drains, overshot it by up to five events per robot.
   */
  private static final String HISTORY_HEADROOM = "history-headroom";
  /**
   * Rollouts before this heard every robot by signal. Now a robot's result is its report to the run that started it
   * (the run's ID is recorded as the rollout's open run), and only robots that outlive a run signal the next one.
   */
  private static final String REPORT_BY_RESULT = "report-by-result";
  /**
   * Runs before this waited for the robots they inherited in flight to report, or to be found silent: one that ended
   * between the run before continuing as new and this run recording itself open had sent its result to the run before.
   */
  private static final String INHERITED_REPORTS = "inherited-reports";
  /** What a rollback workflow ends with. An update workflow ends with any state but those in progress. */
  private static final Set<RobotUpdateState> ROLLBACK_OUTCOMES = EnumSet.of(RobotUpdateState.ROLLED_BACK,
      RobotUpdateState.ROLLBACK_FAILED);
  /**
   * Events a robot workflow started by this run may still add to its history: its start initiated and confirmed, its
   * report, its end. The workflow tasks they bring are shared among many robots.
   */
  static final int EVENTS_PER_ROBOT_STARTED = 4;
  /** The memo that holds the rollout's plan, for the Temporal Web UI. */
  static final String PLAN_MEMO = "plan";
  /** How long a robot put back in line waits before its workflow is started again when the last one was still open. */
  private static final Duration RESTART_RETRY = Duration.ofSeconds(1);
  private static final String LOST_ROBOT = "robot workflow ended without reporting (terminated outside otaflow?)";
  private static final Logger log = Workflow.getLogger(RolloutWorkflowImpl.class);

  private final int historyBudget;
  private final RolloutRegistryActivities registry =
      Workflow.newLocalActivityStub(RolloutRegistryActivities.class, RegistryOptions.LOCAL,
          RegistryOptions.ROLLOUT_REGISTRY_METHODS);
  private final RobotStateActivities robotStates =
      Workflow.newLocalActivityStub(RobotStateActivities.class, RegistryOptions.LOCAL);
  private final AnalysisActivities analysis =
      Workflow.newActivityStub(AnalysisActivities.class, AnalysisOptions.MEASURE);

  private RolloutRequest request;
  private RolloutState state = new RolloutState();
  /** The rollback phase begins as soon as it is decided, while the robots in flight stop (a version of this code). */
  private boolean rollbackDuringDrain;
  /** Search attributes, the plan as memo and robots' summaries for the Temporal Web UI (a version of this code). */
  private boolean webUi;
  /** The budget counts the events robots started by this run will still add (a version of this code). */
  private boolean historyHeadroom;
  /** Robots report by their result to the run that started them (a version of this code). */
  private boolean reportsByResult;
  private LegacyRolloutWorkflow legacy;

  // What the current run does not carry over: it waits for all of it before continuing as new.
  /** Robot workflows whose start is not confirmed yet: a signal sent before the start would be lost. */
  private final Set<String> starting = new TreeSet<>();
  /** Robot workflows this run started that have not reported yet: their events are still to come in this history. */
  private final Set<String> startedHere = new TreeSet<>();
  private int signalsInFlight;
  /** Robot workflows that ended without reporting. */
  private final Set<String> lost = new TreeSet<>();
  private final Deque<String> toPing = new ArrayDeque<>();
  private Promise<Void> nextCheck;
  /** Robots put back in line whose workflow is being started again, and those whose start was refused. */
  private final Set<String> restarts = new TreeSet<>();
  private final Set<String> refusedRestarts = new TreeSet<>();
  private Promise<Void> restartRetry;
  private int reports;
  /** Signals that arrived before this run read its input (reports sent during continue-as-new, a kill switch). */
  private final List<Functions.Proc> early = new ArrayList<>();

  public RolloutWorkflowImpl() {
    this(DEFAULT_HISTORY_BUDGET);
  }

  /** For tests that exercise continue-as-new without thousands of robots. */
  public RolloutWorkflowImpl(int historyBudget) {
    this.historyBudget = historyBudget;
  }

  @Override
  public RolloutProgress run(RolloutRequest request, RolloutState carried) {
    if (Workflow.getVersion(WINDOW_OVER_CONTINUE_AS_NEW, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      legacy = new LegacyRolloutWorkflow(historyBudget);
      return legacy.run(request, carried);
    }
    this.request = request;
    rollbackDuringDrain = Workflow.getVersion(ROLLBACK_DURING_DRAIN, Workflow.DEFAULT_VERSION, 1) == 1;
    webUi = Workflow.getVersion(WEB_UI, Workflow.DEFAULT_VERSION, 1) == 1;
    historyHeadroom = Workflow.getVersion(HISTORY_HEADROOM, Workflow.DEFAULT_VERSION, 1) == 1;
    reportsByResult = Workflow.getVersion(REPORT_BY_RESULT, Workflow.DEFAULT_VERSION, 1) == 1;
    if (carried != null) {
      state = carried.afterContinueAsNew();
    }
    showRun();
    if (reportsByResult) {
      registry.recordOpenRun(request.rolloutId(), Workflow.getInfo().getRunId());
      if (carried != null && Workflow.getVersion(INHERITED_REPORTS, Workflow.DEFAULT_VERSION, 1) == 1) {
        collectInheritedReports();
      }
    }
    if (carried == null && request.rollbackOrder() != null) {
      return rollBackEndedRollout();
    }
    if (carried == null && !start()) {
      return progress();
    }
    early.forEach(Functions.Proc::apply);
    early.clear();

    while (!state.rollingBack && state.abort == null && state.stageIndex < state.stageSizes.size()) {
      StagePlan stage = request.plan().stages().get(state.stageIndex);
      if (state.cursor == null && state.inFlight.isEmpty() && !enterStage(stage)) {
        break;
      }
      runWindow(after -> registry.stageRobots(request.rolloutId(), state.stageIndex, after, PAGE_SIZE),
          this::startRobotUpdate, request.plan().maxParallel(), true);
      if (state.abort != null) {
        break;
      }
      StageProgress tally = state.stage(state.stageIndex, stage);
      String failed = RolloutRules.stageFailure(stage, tally, state.stageStopped);
      if (failed == null) {
        failed = bake(stage, tally);
        if (state.abort != null) {
          break;
        }
      }
      stageEnded(failed == null);
      if (failed != null && request.plan().onFailure() != FailureAction.PAUSE) {
        startRollback(failed);
        break;
      }
      if (failed != null && !acceptedByAPerson(failed)) {
        break;
      }
      nextStage();
    }

    if (state.abort != null && !state.rollingBack) {
      AbortCommand abort = state.abort;
      String aborted = "aborted by " + abort.by() + ": " + abort.reason();
      int updated = state.committed();
      // Robots may still be in flight when the rollback phase begins at once: it finds out what needs switching back.
      if (!abort.rollback() || updated == 0 && !rollbackDuringDrain) {
        String declined = updated == 0 ? aborted : aborted + "; rollback declined, " + updated + " robots stay on "
            + request.release().version();
        int notRolledBack = state.count(RobotUpdateState.ROLLBACK_FAILED);
        return notRolledBack == 0 ? end(RolloutStatus.ABORTED, declined)
            : end(RolloutStatus.FAILED, declined + "; " + notRolledBack + " robots could not be rolled back");
      }
      startRollback(aborted);
    }
    if (state.rollingBack) {
      return rollBackUpdatedRobots();
    }
    return end(RolloutStatus.SUCCEEDED, null);
  }

  private void stageEnded(boolean passed) {
    // A run continued from one that predates stageStartedAt does not know when its stage started.
    if (state.stageStartedAt > 0) {
      WorkflowMetrics.stageEnded(passed, Duration.ofMillis(Workflow.currentTimeMillis() - state.stageStartedAt));
    }
  }

  private void nextStage() {
    state.stageIndex++;
    state.cursor = null;
    state.stageStopped = null;
    state.analysis.clear();
  }

  /**
   * onFailure PAUSE: stops with the failed stage's reason until a person resumes (true: the stage is accepted, the
   * rollout goes on to the next) or aborts (false: the abort rolls back as usual).
   */
  private boolean acceptedByAPerson(String failed) {
    return pausedForAPerson(failed, "(onFailure: PAUSE): resume accepts the stage and goes on, abort rolls back");
  }

  /** Pauses with {@code why} until a person resumes (true) or aborts (false); {@code choices} says what each does. */
  private boolean pausedForAPerson(String why, String choices) {
    state.pausedBy = new OperatorCommand("otaflow", why);
    setStatus(RolloutStatus.PAUSED, why + "; paused for a person " + choices);
    log.warn("rollout {} paused: {}", request.rolloutId(), why);
    Workflow.await(() -> state.pausedBy == null || state.abort != null);
    return state.abort == null;
  }

  /**
   * The stage passed its threshold: it bakes, and its analysis (if any) runs meanwhile. Returns why the analysis
   * failed the stage, or null once the bake has elapsed and every check passed, or on abort. A person's pause or the
   * kill switch does not stop the bake or the measurements; the next stage waits for the resume.
   */
  private String bake(StagePlan stage, StageProgress tally) {
    boolean bakes = !stage.bakeTime().isZero() && tally.size() > 0;
    log.info("rollout {} stage '{}' passed: {}/{} healthy; baking {}", request.rolloutId(), stage.name(),
        tally.committed(), tally.size(), bakes ? stage.bakeTime() : "not at all");
    if (stage.analysis() != null && tally.size() > 0
        && Workflow.getVersion(STAGE_ANALYSIS, Workflow.DEFAULT_VERSION, 1) == 1) {
      return analyse(stage);
    }
    if (bakes) {
      Workflow.await(stage.bakeTime(), () -> state.abort != null);
    }
    return null;
  }

  /**
   * Measures each check of the stage's analysis {@code count} times, {@code interval} apart, checks due together
   * measured at once, while the stage bakes: the bake lasts at least as long as the longest check. Every measurement
   * is recorded as a rollout event. A check failing more often than its failure limit, or an inconclusive measurement
   * of a check that says FAIL, fails the stage at once; one that says PAUSE pauses the rollout until a person resumes
   * (the measurement is accepted) or aborts.
   */
  private String analyse(StagePlan stage) {
    long start = Workflow.currentTimeMillis();
    long bakeEnds = start + stage.bakeTime().toMillis();
    List<CheckTally> checks = stage.analysis().checks().stream().map(check -> new CheckTally(check, start)).toList();
    showAnalysis(checks);
    while (true) {
      long now = Workflow.currentTimeMillis();
      List<CheckTally> running = checks.stream().filter(check -> !check.done()).toList();
      if (running.isEmpty() && now >= bakeEnds) {
        log.info("rollout {} stage '{}' analysis passed", request.rolloutId(), stage.name());
        return null;
      }
      long next = running.stream().mapToLong(CheckTally::nextAt).min().orElse(bakeEnds);
      if (next > now) {
        Workflow.await(Duration.ofMillis(next - now), () -> state.abort != null);
      }
      if (state.abort != null) {
        return null;
      }
      long measuredAt = Workflow.currentTimeMillis();
      List<CheckTally> due = running.stream().filter(check -> check.nextAt() <= measuredAt).toList();
      List<Promise<Measurement>> measurements = due.stream()
          .map(check -> Async.function(analysis::measure, request.rolloutId(), stage.name(), check.check()))
          .toList();
      Workflow.await(() -> state.abort != null || measurements.stream().allMatch(Promise::isCompleted));
      if (state.abort != null) {
        return null;
      }
      for (int i = 0; i < due.size(); i++) {
        CheckTally check = due.get(i);
        Measurement measurement = measured(measurements.get(i));
        check.record(measurement, measuredAt);
        showAnalysis(checks);
        registry.recordAnalysis(request.rolloutId(), stage.name(), measurement.outcome(),
            check.describe(stage.name(), measurement));
        if (check.failed()) {
          return check.failure(stage.name());
        }
        if (measurement.outcome() != Measurement.Outcome.INCONCLUSIVE) {
          continue;
        }
        String inconclusive = check.inconclusive(stage.name(), measurement);
        if (check.check().inconclusive() == InconclusiveAction.FAIL) {
          return inconclusive;
        }
        if (!pausedForAPerson(inconclusive, "(inconclusive: PAUSE): resume accepts the measurement and the analysis"
            + " goes on, abort rolls back")) {
          return null;
        }
        long resumed = Workflow.currentTimeMillis();
        checks.forEach(other -> other.resumeAt(resumed));
      }
    }
  }

  /** The analysis as the progress query and the Web UI show it, a line per check. */
  private void showAnalysis(List<CheckTally> checks) {
    state.analysis = new ArrayList<>(checks.stream().map(CheckTally::summary).toList());
    showProgress();
  }

  /** A measurement whose activity failed even after its retries is inconclusive, never a pass. */
  private static Measurement measured(Promise<Measurement> measurement) {
    try {
      return measurement.get();
    } catch (ActivityFailure failure) {
      return Measurement.inconclusive("measurement failed: " + RolloutRules.message(failure));
    }
  }

  /** Validates, records RUNNING and assigns the stages; false when the rollout ended FAILED instead. */
  private boolean start() {
    String invalid = RolloutRules.invalidRequest(request);
    if (invalid != null) {
      end(RolloutStatus.FAILED, invalid);
      return false;
    }
    setStatus(RolloutStatus.RUNNING, null);
    List<Integer> stageSizes;
    try {
      stageSizes = registry.assignStages(request.rolloutId(), request.target(), request.plan(),
          request.release().version());
    } catch (ActivityFailure failure) {
      end(RolloutStatus.FAILED, "targets: " + RolloutRules.message(failure));
      return false;
    }
    // In place: a kill switch may have come while the stages were assigned.
    state.assign(stageSizes);
    log.info("rollout {} of {} over {} robots, stages {}", request.rolloutId(), request.release().version(),
        stageSizes.stream().mapToInt(Integer::intValue).sum(), stageSizes);
    return true;
  }

  /** Waits out a pause and the stage's approval (a pause may come while it waits); false when aborted meanwhile. */
  private boolean enterStage(StagePlan stage) {
    while (true) {
      Workflow.await(() -> state.pausedBy == null || state.abort != null);
      if (state.abort != null) {
        return false;
      }
      if (!stage.approval() || state.approvedStage >= state.stageIndex) {
        break;
      }
      setStatus(RolloutStatus.WAITING_APPROVAL, "stage '" + stage.name() + "' waits for approval");
      Workflow.await(() -> state.approvedStage >= state.stageIndex || state.abort != null || state.pausedBy != null);
    }
    setStatus(RolloutStatus.RUNNING, null);
    state.stageStartedAt = Workflow.currentTimeMillis();
    log.info("rollout {} starts stage '{}' with {} robots", request.rolloutId(), stage.name(),
        state.stageSizes.get(state.stageIndex));
    return true;
  }

  /**
   * Starts a robot workflow for every robot that {@code page} yields (null: none, just let those in flight finish),
   * robots a kill switch put back first, at most {@code window} in flight, and returns once none is in flight and none is
   * left to start. A stage ({@code interruptible}) starts no robot while paused, and returns as soon as nothing is in
   * flight once it is aborted or can no longer pass. Robots in flight are told what they must know on the way. When
   * the history budget is spent the workflow continues as new from here, robots in flight and all.
   */
  private void runWindow(Function<String, List<String>> page, Consumer<String> start, int window,
                         boolean interruptible) {
    Deque<String> next = new ArrayDeque<>();
    boolean exhausted = page == null;
    while (true) {
      showProgress();
      requeueRefusedRestarts();
      tellRobotsInFlight();
      while (mayStart(interruptible) && state.inFlight.size() < window && !historyFull()) {
        if (mayRestart()) {
          String robot = state.requeued.remove(0);
          restarts.add(robot);
          start.accept(robot);
        } else if (!next.isEmpty()) {
          String robot = next.poll();
          state.cursor = robot;
          start.accept(robot);
        } else if (exhausted) {
          break;
        } else {
          next.addAll(page.apply(state.cursor));
          exhausted = next.isEmpty();
          // A pause or an abort may have come while the page was read: the loop checks again before starting anyone.
        }
      }
      boolean leftToStart = !exhausted || !next.isEmpty() || !state.requeued.isEmpty();
      if (state.inFlight.isEmpty() && (!leftToStart || interruptible && stopping()) || interruptible && rollbackNow()) {
        return;
      }
      if (historyFull()) {
        continueAsNew();
      }
      int seen = reports;
      boolean startable = !exhausted || !next.isEmpty() || mayRestart();
      Workflow.await(() -> reports != seen || !lost.isEmpty() || historyFull()
          || interruptible && (stopping() && state.inFlight.isEmpty() || rollbackNow())
          || nextCheck != null && nextCheck.isCompleted()
          || !refusedRestarts.isEmpty() || restartRetry != null && restartRetry.isCompleted()
          || startable && mayStart(interruptible) && state.inFlight.size() < window
          || signalsInFlight < SIGNALS_AT_ONCE && dueSignals().findAny().isPresent());
    }
  }

  private boolean mayRestart() {
    return !state.requeued.isEmpty() && (restartRetry == null || restartRetry.isCompleted());
  }

  /**
   * A robot put back in line (held by the kill switch) reported before its workflow closed, so starting it again
   * right away can be refused: that workflow is still open for an instant. It goes back in line until it closed.
   */
  private void requeueRefusedRestarts() {
    if (restartRetry != null && restartRetry.isCompleted()) {
      restartRetry = null;
    }
    if (refusedRestarts.isEmpty()) {
      return;
    }
    boolean retry = Workflow.getVersion(RESTART_ONCE_CLOSED, Workflow.DEFAULT_VERSION, 1) == 1;
    for (String robotId : refusedRestarts) {
      if (retry) {
        state.inFlight.remove(robotId);
        state.requeued.add(0, robotId);
      } else {
        toPing.add(robotId);
      }
    }
    refusedRestarts.clear();
    if (retry) {
      restartRetry = Workflow.newTimer(RESTART_RETRY);
    }
  }

  private boolean mayStart(boolean interruptible) {
    return !interruptible || !stopping() && state.pausedBy == null;
  }

  /** A stage starts no more robots on abort or once it cannot pass. */
  private boolean stopping() {
    return state.abort != null || state.stageStopped != null;
  }

  /**
   * The stage stops and the rollback phase follows (an abort with rollback, or a stage that cannot pass with onFailure
   * ROLLBACK_ALL): it begins now, the robots in flight still stopping.
   */
  private boolean rollbackNow() {
    if (!rollbackDuringDrain) {
      return false;
    }
    return state.abort != null ? state.abort.rollback()
        : state.stageStopped != null && request.plan().onFailure() != FailureAction.PAUSE;
  }

  /**
   * Whether this run must continue as new: its history, with what the robots it started will still add to it, is
   * past the budget. Counting the latter keeps a window started in one workflow task, and the drain before
   * continue-as-new, inside the budget; robots started by earlier runs only report here, one event each.
   */
  private boolean historyFull() {
    int toCome = historyHeadroom ? EVENTS_PER_ROBOT_STARTED * startedHere.size() : 0;
    return Workflow.getInfo().getHistoryLength() + toCome > historyBudget
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private RobotUpdateRequest robotRequest(String robotId, int stage) {
    var plan = request.plan();
    return new RobotUpdateRequest(request.rolloutId(), robotId, stage, request.release(), plan.robotTimeout(),
        plan.healthChecks(), plan.healthSoak(), plan.safeStateDeadline(), reportsByResult);
  }

  /**
   * Robot workflows are abandoned: they outlive this run when it continues as new (and the rollout itself when a
   * person terminates it, so that each finishes or rolls itself back).
   */
  private static ChildWorkflowOptions.Builder robotWorkflow(String workflowId) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON);
  }

  private void startRobotUpdate(String robotId) {
    ChildWorkflowOptions.Builder options = robotWorkflow(OtaflowNames.robotWorkflowId(request.rolloutId(), robotId));
    if (webUi) {
      RolloutWebUi.robotUpdate(options, request, robotId, request.plan().stages().get(state.stageIndex));
    }
    RobotUpdateWorkflow robot = Workflow.newChildWorkflowStub(RobotUpdateWorkflow.class, options.build());
    Promise<RobotUpdateResult> result = Async.function(robot::update, robotRequest(robotId, state.stageIndex));
    watch(robotId, Workflow.getWorkflowExecution(robot), result);
    state.started(robotId, state.stageIndex, Workflow.currentTimeMillis(), false);
  }

  /**
   * Switches a robot back through the one rollback path. {@code stage} is the stage its outcome counts for (a robot
   * whose update workflow was lost), or {@link InFlightRobot#ROLLBACK} in the rollback phase.
   */
  private void startRobotRollback(String robotId, int stage, String why) {
    ChildWorkflowOptions.Builder options = robotWorkflow(
        OtaflowNames.robotRollbackWorkflowId(request.rolloutId(), robotId));
    if (webUi) {
      RolloutWebUi.robotRollback(options, request, robotId,
          stage == InFlightRobot.ROLLBACK ? null : request.plan().stages().get(stage), why);
    }
    RobotRollbackWorkflow robot = Workflow.newChildWorkflowStub(RobotRollbackWorkflow.class, options.build());
    Promise<RobotUpdateResult> result = Async.function(robot::rollBack, robotRequest(robotId, Math.max(stage, 0)),
        why);
    watch(robotId, Workflow.getWorkflowExecution(robot), result);
    state.started(robotId, stage, Workflow.currentTimeMillis(), true);
  }

  /**
   * Follows a robot workflow while this run lasts. Its report is its result (or, before {@link #REPORT_BY_RESULT}, a
   * signal before it ends); a workflow that could not start (one with its ID still running, after a reset) is asked
   * whether it runs, unless it was a robot put back in line ({@link #requeueRefusedRestarts}); one that ended without
   * reporting is lost.
   */
  private void watch(String robotId, Promise<WorkflowExecution> started, Promise<RobotUpdateResult> result) {
    starting.add(robotId);
    startedHere.add(robotId);
    started.handle((execution, failure) -> {
      starting.remove(robotId);
      boolean restart = restarts.remove(robotId);
      if (failure != null) {
        (restart ? refusedRestarts : toPing).add(robotId);
      }
      return null;
    });
    result.handle((ended, failure) -> {
      if (ended != null && reportsByResult) {
        // Ignored when its report came by signal already (it found this run closing as it ended).
        robotFinished(ended);
      } else if (failure != null && started.getFailure() == null && state.inFlight.containsKey(robotId)) {
        lost.add(robotId);
      }
      return null;
    });
  }

  @Override
  public void robotFinished(RobotUpdateResult result) {
    if (legacy != null) {
      legacy.robotFinished(result);
      return;
    }
    if (request == null) {
      early.add(() -> robotFinished(result));
      return;
    }
    reports++;
    startedHere.remove(result.robotId());
    InFlightRobot robot = state.reported(result);
    if (robot == null) {
      log.info("rollout {} ignores a report of robot {} ({}): not in flight", request.rolloutId(), result.robotId(),
          result.outcome());
      return;
    }
    if (state.rollingBack && !robot.switchingBack() && rollbackDuringDrain) {
      switchBackAfterItsUpdate(result);
      return;
    }
    int stage = robot.stage();
    if (stage == state.stageIndex && !state.rollingBack && state.stageStopped == null
        && result.outcome() != RobotUpdateState.COMMITTED && result.outcome() != RobotUpdateState.PENDING
        && state.stageFinished.get(stage) < state.stageSizes.get(stage)) {
      state.stageStopped = RolloutState.cannotPass(request.plan().stages().get(stage), state.stageSizes.get(stage),
          state.failed(stage));
      if (state.stageStopped != null) {
        log.warn("rollout {} stops stage {} early: {}", request.rolloutId(), stage, state.stageStopped);
      }
    }
  }

  /**
   * A robot whose update was in flight when the rollback phase began: switched back now if its update left it on the
   * release (it committed before the stop reached it) or its own rollback failed, as the phase's pages would have.
   */
  private void switchBackAfterItsUpdate(RobotUpdateResult result) {
    state.reportedInRollback.add(result.robotId());
    if (result.outcome() == RobotUpdateState.COMMITTED || result.outcome() == RobotUpdateState.ROLLBACK_FAILED) {
      startRobotRollback(result.robotId(), InFlightRobot.ROLLBACK, "rollout rolled back: " + state.reason);
    }
  }

  /**
   * What robots in flight must be told, a few signals at a time: to stop (abort, or a stage that cannot pass: each
   * rolls itself back if it had applied), to stop unless applied (kill switch), or, when silent for long, whether they
   * still run. A robot workflow that ended without reporting is switched back through the rollback path.
   */
  private void tellRobotsInFlight() {
    for (String robotId : List.copyOf(lost)) {
      lost.remove(robotId);
      InFlightRobot robot = state.inFlight.get(robotId);
      if (robot == null) {
        continue;
      }
      RobotUpdateResult recorded = reportsByResult ? recordedOutcome(robotId, robot) : null;
      if (recorded != null) {
        log.info("rollout {}: robot {} ended {} without its report reaching this run; the registry has it",
            request.rolloutId(), robotId, recorded.outcome());
        robotFinished(recorded);
        continue;
      }
      log.warn("rollout {}: robot {} {}", request.rolloutId(), robotId, LOST_ROBOT);
      if (robot.switchingBack()) {
        String why = (robot.stage() == InFlightRobot.ROLLBACK ? "rollout rolled back: " + state.reason : LOST_ROBOT)
            + "; rollback: " + LOST_ROBOT;
        robotStates.recordRobotState(request.rolloutId(), robotId, RobotUpdateState.ROLLBACK_FAILED, why, null);
        robotFinished(new RobotUpdateResult(robotId, RobotUpdateState.ROLLBACK_FAILED, why, null));
      } else {
        // It may have been left half-way: the rollback path puts it back, and its outcome counts for its stage.
        state.inFlight.remove(robotId);
        startRobotRollback(robotId, robot.stage(), LOST_ROBOT);
      }
    }
    if (nextCheck != null && nextCheck.isCompleted()) {
      nextCheck = null;
      long silentSince = Workflow.currentTimeMillis() - robotCheckInterval().toMillis();
      state.inFlight.forEach((robotId, robot) -> {
        if (robot.startedAt() <= silentSince && !starting.contains(robotId)) {
          toPing.add(robotId);
        }
      });
    }
    if (nextCheck == null && !state.inFlight.isEmpty()) {
      nextCheck = Workflow.newTimer(robotCheckInterval());
    }
    for (RobotSignal due : dueSignals().toList()) {
      if (signalsInFlight >= SIGNALS_AT_ONCE) {
        return;
      }
      send(due);
    }
  }

  /**
   * The outcomes robots inherited in flight recorded before this run was recorded as the rollout's open run: they
   * reported to the run before, by its result. Robots ending from now on find this run open, and signal it. Robots
   * being switched back are left to the check of silent robots: their row holds their update's state until their
   * rollback ends, and that state may be an end a rollback also ends with (ROLLBACK_FAILED).
   */
  private void collectInheritedReports() {
    List<String> inherited = state.inFlight.keySet().stream().sorted().toList();
    if (inherited.isEmpty()) {
      return;
    }
    for (RobotUpdateResult row : registry.endedRobots(request.rolloutId(), inherited)) {
      InFlightRobot robot = state.inFlight.get(row.robotId());
      if (robot != null && !robot.switchingBack()) {
        log.info("rollout {}: robot {} ended {} as this run began; the registry has its report", request.rolloutId(),
            row.robotId(), row.outcome());
        robotFinished(row);
      }
    }
  }

  /**
   * The outcome a robot workflow that ended without reporting recorded as its last act, or null when it ended before
   * (terminated by hand). Its result went to the run that started it, which continued as new in that instant.
   */
  private RobotUpdateResult recordedOutcome(String robotId, InFlightRobot robot) {
    RobotUpdateResult row = registry.robotState(request.rolloutId(), robotId);
    boolean ended = row != null && (robot.switchingBack() ? ROLLBACK_OUTCOMES.contains(row.outcome())
        : !RobotUpdateState.IN_PROGRESS.contains(row.outcome()));
    return ended ? row : null;
  }

  /** A signal one robot workflow in flight is due: {@code argument} is null for a ping. */
  private record RobotSignal(String robotId, String name, String argument) {
  }

  /**
   * The signals robots in flight are due, stops and holds before pings. Lazy: the rollout's wait asks only whether
   * there is any, on every event, with hundreds of robots in flight.
   */
  private Stream<RobotSignal> dueSignals() {
    String stop = stopReason();
    Stream<RobotSignal> stopsAndHolds = state.inFlight.entrySet().stream()
        .filter(robot -> !starting.contains(robot.getKey()) && !robot.getValue().switchingBack())
        .map(robot -> stopOrHold(robot.getKey(), stop))
        .filter(Objects::nonNull);
    Stream<RobotSignal> pings = toPing.stream().filter(state.inFlight::containsKey)
        .map(robotId -> new RobotSignal(robotId, "ping", null));
    return Stream.concat(stopsAndHolds, pings);
  }

  /**
   * A robot workflow silent this long is asked whether it still runs: one terminated by hand never reports, and once
   * this run has continued as new, its end does not reach the next run either. The plan's robotTimeout (how long a
   * robot may take to pick up a step) is the scale at which a robot is expected to show signs of life.
   */
  private Duration robotCheckInterval() {
    return request.plan().robotTimeout();
  }

  private String stopReason() {
    return state.abort != null ? "aborted by " + state.abort.by() + ": " + state.abort.reason() : state.stageStopped;
  }

  /** The stop ({@code stop} non-null) or kill-switch hold a robot has not been sent yet, or null. */
  private RobotSignal stopOrHold(String robotId, String stop) {
    if (stop != null) {
      return state.stopSent.contains(robotId) ? null : new RobotSignal(robotId, "abort", stop);
    }
    return state.killSwitch == null || state.holdSent.contains(robotId) ? null
        : new RobotSignal(robotId, "stopBeforeApply", killSwitchReason());
  }

  private String killSwitchReason() {
    return "kill switch on by " + state.killSwitch.by() + ": " + state.killSwitch.reason();
  }

  private void send(RobotSignal due) {
    String robotId = due.robotId();
    String workflowId = state.inFlight.get(robotId).switchingBack()
        ? OtaflowNames.robotRollbackWorkflowId(request.rolloutId(), robotId)
        : OtaflowNames.robotWorkflowId(request.rolloutId(), robotId);
    switch (due.name()) {
      case "abort" -> state.stopSent.add(robotId);
      case "stopBeforeApply" -> state.holdSent.add(robotId);
      default -> toPing.remove(robotId);
    }
    Object[] args = due.argument() == null ? new Object[0] : new Object[] {due.argument()};
    signalsInFlight++;
    Async.procedure(() -> Workflow.newUntypedExternalWorkflowStub(workflowId).signal(due.name(), args))
        .handle((delivered, failure) -> {
          signalsInFlight--;
          // Only a workflow that ended refuses a signal; a report sent before it ended has been counted already.
          if (failure != null && state.inFlight.containsKey(robotId)) {
            lost.add(robotId);
          }
          return null;
        });
  }

  private void startRollback(String why) {
    state.rollingBack = true;
    state.analysis.clear();
    state.cursor = null;
    state.pausedBy = null;
    state.requeued.clear();
    setStatus(RolloutStatus.RUNNING, "rolling back: " + why);
    state.reason = why;
    log.warn("rollout {} rolls back every updated robot: {}", request.rolloutId(), why);
  }

  /**
   * A person's order to roll back a rollout that ended: every robot it left on its release goes back, through the
   * same rollback phase and accounting; the outcome is recorded as the rollout's status.
   */
  private RolloutProgress rollBackEndedRollout() {
    OperatorCommand order = request.rollbackOrder();
    state.status = RolloutStatus.RUNNING;
    state.movedOn = registry.countMovedOn(request.rolloutId(), request.release().version());
    startRollback("rolled back after it ended by " + order.by() + ": " + order.reason());
    return rollBackUpdatedRobots();
  }

  /**
   * Switches every robot this rollout updated, in every stage, back to its previous release. Robots still in flight
   * were told to stop and roll themselves back; those whose update reports it left them on the release are switched
   * back then ({@link #switchBackAfterItsUpdate}), and the pages pass over them.
   */
  private RolloutProgress rollBackUpdatedRobots() {
    Function<String, List<String>> toRollBack = after -> registry.robotsToRollBack(request.rolloutId(),
        request.release().version(), after, PAGE_SIZE);
    Consumer<String> switchBack = robot -> startRobotRollback(robot, InFlightRobot.ROLLBACK,
        "rollout rolled back: " + state.reason);
    if (rollbackDuringDrain) {
      runWindow(toRollBack, robot -> {
        if (!state.inFlight.containsKey(robot) && !state.reportedInRollback.contains(robot)) {
          switchBack.accept(robot);
        }
      }, ROLLBACK_WINDOW, false);
    } else {
      runWindow(null, robot -> {
      }, ROLLBACK_WINDOW, false);
      runWindow(toRollBack, switchBack, ROLLBACK_WINDOW, false);
    }
    state.robotCounts.clear();
    registry.countRobots(request.rolloutId()).forEach((robotState, count) ->
        state.robotCounts.put(robotState.name(), count));
    String why = state.movedOn == 0 ? state.reason : state.reason + "; " + state.movedOn
        + " robots had moved on to another release since and stay there";
    int notRolledBack = state.count(RobotUpdateState.ROLLBACK_FAILED);
    if (notRolledBack > 0) {
      return end(RolloutStatus.FAILED, why + "; " + notRolledBack + " robots could not be rolled back");
    }
    if (state.count(RobotUpdateState.ROLLED_BACK) == 0) {
      // Nothing was switched anywhere: a stopped rollout, not a rolled-back one.
      return state.abort != null ? end(RolloutStatus.ABORTED, why)
          : end(RolloutStatus.FAILED, why + (request.rollbackOrder() != null ? "; no robot was switched back"
              : "; nothing was applied to any robot"));
    }
    return end(RolloutStatus.ROLLED_BACK, why);
  }

  private void continueAsNew() {
    Workflow.await(() -> Workflow.isEveryHandlerFinished() && starting.isEmpty() && signalsInFlight == 0);
    requeueRefusedRestarts();
    log.info("rollout {} continues as new at stage {} after robot {}, {} robots in flight", request.rolloutId(),
        state.stageIndex, state.cursor, state.inFlight.size());
    if (reportsByResult) {
      // Robots that end from here on report by signal, to the next run.
      registry.recordOpenRun(request.rolloutId(), null);
    }
    Workflow.continueAsNew(request, state);
  }

  private RolloutProgress end(RolloutStatus finalStatus, String why) {
    setStatus(finalStatus, why);
    log.info("rollout {} ended {}{}", request.rolloutId(), finalStatus, why == null ? "" : ": " + why);
    return progress();
  }

  private void setStatus(RolloutStatus newStatus, String why) {
    state.status = newStatus;
    state.reason = why;
    showProgress();
    showAttributes();
    registry.recordRolloutStatus(request.rolloutId(), newStatus, stageName(), why);
  }

  /** The current stage's name; null before the first stage and after the last. */
  private String stageName() {
    int stage = state.stageIndex;
    return stage >= 0 && stage < request.plan().stages().size() ? request.plan().stages().get(stage).name() : null;
  }

  /** The Web UI's view of the rollout: set as the workflow's current details, which are not part of its history. */
  private void showProgress() {
    Workflow.setCurrentDetails(state.progress(request).markdown());
  }

  /**
   * What the Web UI finds the rollout by, where it changed: status and stage change with {@link #setStatus} (a stage is
   * entered with RUNNING). Past the last stage, the last one stays.
   */
  private void showAttributes() {
    if (webUi) {
      new OtaflowSearchAttributes(request.rolloutId(), request.release().version(), null, stageName(),
          state.status.name()).upsertChanged();
    }
  }

  /**
   * At the top of every run: the plan as memo (continue-as-new does not carry it) and the search attributes this run
   * did not start with. A request without a plan ends FAILED, memo-less.
   */
  private void showRun() {
    if (webUi && request.plan() != null && Workflow.getMemo(PLAN_MEMO, RolloutPlan.class) == null) {
      Workflow.upsertMemo(Map.of(PLAN_MEMO, request.plan()));
    }
    showAttributes();
  }

  @Override
  public RolloutProgress progress() {
    if (legacy != null) {
      return legacy.progress();
    }
    return request == null ? new RolloutProgress(null, null, RolloutStatus.PENDING, -1, List.of(), Map.of(), 0, null)
        : state.progress(request);
  }

  @Override
  public RolloutProgress pause(OperatorCommand command) {
    if (legacy != null) {
      return legacy.pause(command);
    }
    state.pausedBy = command;
    setStatus(RolloutStatus.PAUSED, "paused by " + command.by() + ": " + command.reason());
    return progress();
  }

  @Override
  public void validatePause(OperatorCommand command) {
    if (legacy != null) {
      legacy.validatePause(command);
      return;
    }
    RolloutRules.requireCommand("pause", command, state.rollingBack, state.status, RolloutStatus.RUNNING);
  }

  @Override
  public RolloutProgress resume(OperatorCommand command) {
    if (legacy != null) {
      return legacy.resume(command);
    }
    state.pausedBy = null;
    state.killSwitch = null;
    state.holdSent.clear();
    setStatus(RolloutStatus.RUNNING, null);
    return progress();
  }

  @Override
  public void validateResume(OperatorCommand command) {
    if (legacy != null) {
      legacy.validateResume(command);
      return;
    }
    RolloutRules.requireCommand("resume", command, state.rollingBack, state.status, RolloutStatus.PAUSED);
  }

  @Override
  public RolloutProgress approve(OperatorCommand command) {
    if (legacy != null) {
      return legacy.approve(command);
    }
    state.approvedStage = state.stageIndex;
    setStatus(RolloutStatus.RUNNING, null);
    return progress();
  }

  @Override
  public void validateApprove(OperatorCommand command) {
    if (legacy != null) {
      legacy.validateApprove(command);
      return;
    }
    RolloutRules.requireCommand("approve", command, state.rollingBack, state.status, RolloutStatus.WAITING_APPROVAL);
    RolloutRules.requireSecondPerson(request, command);
  }

  @Override
  public RolloutProgress abort(AbortCommand command) {
    if (legacy != null) {
      return legacy.abort(command);
    }
    state.abort = command;
    log.warn("rollout {} aborted by {}: {}", request.rolloutId(), command.by(), command.reason());
    return progress();
  }

  @Override
  public void validateAbort(AbortCommand command) {
    if (legacy != null) {
      legacy.validateAbort(command);
      return;
    }
    RolloutRules.requireAbortable(command, state.status, state.abort != null || state.rollingBack);
  }

  @Override
  public void killSwitch(OperatorCommand command) {
    if (legacy != null) {
      legacy.killSwitch(command);
      return;
    }
    if (request == null) {
      early.add(() -> killSwitch(command));
      return;
    }
    if (state.status.isFinal() || state.rollingBack || state.abort != null || state.killSwitch != null) {
      return;
    }
    state.killSwitch = command;
    state.pausedBy = command;
    setStatus(RolloutStatus.PAUSED, killSwitchReason());
    log.warn("rollout {} held by the kill switch: {}", request.rolloutId(), command.reason());
  }
}
