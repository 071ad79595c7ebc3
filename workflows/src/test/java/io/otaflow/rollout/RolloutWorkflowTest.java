package io.otaflow.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.FailureAction;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RolloutWorkflowTest {

  static final Release V1 = new Release("1.0.0", "http://artifacts.test/1.0.0.tar.gz", "a".repeat(64), 1000, "", null);
  static final Release V2 = new Release("2.0.0", "http://artifacts.test/2.0.0.tar.gz", "b".repeat(64), 1000, "", null);

  private TestWorkflowEnvironment env;
  private InMemoryRegistry registry;
  private final Map<String, FakeRobot> robots = new LinkedHashMap<>();

  /** Starts a test server with the control-plane worker and one worker per robot on its own task queue. */
  private void startFleet(int size, int historyBudget, String... offlineRobots) {
    startFleet(TestEnvironmentOptions.newBuilder(), size, historyBudget, offlineRobots);
  }

  private void startFleet(TestEnvironmentOptions.Builder options, int size, int historyBudget,
                          String... offlineRobots) {
    TestFleet fleet = TestFleet.start(options, size, historyBudget, V1.version(), offlineRobots);
    env = fleet.env();
    registry = fleet.registry();
    robots.putAll(fleet.robots());
  }

  private void startFleet(int size) {
    startFleet(size, RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET);
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  static RolloutPlan plan(StagePlan... stages) {
    return new RolloutPlan(List.of(stages), 5, Duration.ofMinutes(5), 3, Duration.ofMinutes(2));
  }

  /**
   * For tests that act on a rollout while it runs: the test server skips time only while a client waits for a
   * result, so here no timer may stand between the rollout and the state the test waits for.
   */
  static RolloutPlan interactive(StagePlan... stages) {
    return new RolloutPlan(List.of(stages), 5, Duration.ofMinutes(5), 1, Duration.ZERO);
  }

  static RolloutPlan canaryTenFiftyHundred(double minHealthy) {
    return plan(StagePlan.canary("canary", 1, Duration.ofMinutes(30), 1.0),
        StagePlan.percent("10%", 10, Duration.ofMinutes(30), minHealthy),
        StagePlan.percent("50%", 50, Duration.ofHours(1), minHealthy),
        StagePlan.percent("100%", 100, Duration.ofHours(1), minHealthy));
  }

  private RolloutWorkflow start(String rolloutId, Release release, RolloutPlan plan) {
    return start(new RolloutRequest(rolloutId, release, plan, TargetSelector.wholeFleet(), null));
  }

  private RolloutWorkflow start(RolloutRequest request) {
    RolloutWorkflow workflow = env.getWorkflowClient().newWorkflowStub(RolloutWorkflow.class,
        RolloutWebUi.workflowOptions(OtaflowNames.rolloutWorkflowId(request.rolloutId()), request));
    WorkflowClient.start(workflow::run, request, null);
    return workflow;
  }

  private RolloutProgress result(RolloutWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getResult(RolloutProgress.class);
  }

  /** The robots of each stage, as the rollout {@code rolloutId} over the whole fleet will assign them. */
  private List<List<String>> plannedStages(String rolloutId, RolloutPlan plan) {
    return StagePlanner.assign(rolloutId, List.copyOf(robots.keySet()), plan);
  }

  /** Polls {@code condition} until it holds, for at most 30 s; {@code failure} says what never happened. */
  static void awaitCondition(BooleanSupplier condition, Supplier<String> failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(failure).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Polls the progress query until it matches; the workflow is blocked on a person, so no timing is involved. */
  private static RolloutProgress awaitProgress(RolloutWorkflow workflow, Predicate<RolloutProgress> condition)
      throws InterruptedException {
    RolloutProgress[] last = new RolloutProgress[1];
    awaitCondition(() -> condition.test(last[0] = workflow.progress()),
        () -> "progress never matched; last: " + last[0]);
    return last[0];
  }

  private void recordHistoryIfAsked(String workflowId, String resourceName) throws IOException {
    RecordedHistories.recordIfAsked(env.getWorkflowClient(), workflowId, resourceName);
  }

  private List<String> stage(String rolloutId, int stage) {
    return registry.stage(rolloutId, stage);
  }

  @Test
  void allHealthyRolloutCommitsEveryRobotStageByStage() {
    startFleet(20);
    RolloutWorkflow workflow = start("all-healthy", V2, canaryTenFiftyHundred(1.0));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.reason()).isNull();
    assertThat(result.stages()).extracting(StageProgress::size).containsExactly(1, 1, 8, 10);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 20).containsEntry("PENDING", 0);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("2.0.0"));
    assertThat(robots.keySet()).allSatisfy(id ->
        assertThat(registry.state("all-healthy", id)).isEqualTo(RobotUpdateState.COMMITTED));
    // Stages run in order: every robot of a later stage started after every robot of the earlier one.
    for (int stage = 1; stage < 4; stage++) {
      long earlierLast = stage("all-healthy", stage - 1).stream().mapToLong(id -> robots.get(id).downloadedAt).max()
          .orElseThrow();
      long laterFirst = stage("all-healthy", stage).stream().mapToLong(id -> robots.get(id).downloadedAt).min()
          .orElseThrow();
      assertThat(laterFirst).isGreaterThan(earlierLast);
    }
    assertThat(registry.rolloutEvents).first().isEqualTo("RUNNING");
    assertThat(registry.rolloutEvents).last().isEqualTo("SUCCEEDED");
    // What the Temporal Web UI shows as the workflow's current details.
    assertThat(WorkflowStub.fromTyped(workflow).query("__temporal_workflow_metadata", WorkflowMetadata.class)
        .getCurrentDetails()).isEqualTo("""
            **SUCCEEDED** · release 2.0.0

            | stage | robots | committed | finished | min healthy |
            |---|---|---|---|---|
            | canary | 1 | 1 | 1 | 100% |
            | 10% | 1 | 1 | 1 | 100% |
            | 50% | 8 | 8 | 8 | 100% |
            | 100% | 10 | 10 | 10 | 100% |

            robots: COMMITTED 20""");
  }

  /**
   * Without continue-as-new every robot workflow ends while the run that started it is open: its result is its report,
   * so no robot signals and the rollout receives no signal (the 6 history events a signal and its delivery cost).
   */
  @Test
  void robotsReportByTheirResultToTheRunThatStartedThem() throws IOException {
    startFleet(6);
    RolloutWorkflow workflow = start("by-result", V2, interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0)));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 6);
    assertThat(env.getWorkflowClient().fetchHistory(OtaflowNames.rolloutWorkflowId("by-result")).getEvents())
        .as("signals the rollout received").noneMatch(RolloutWorkflowTest::isReportSignal);
    assertThat(robots.keySet()).as("robots that reported by signal")
        .noneMatch(id -> reportedBySignal("by-result", id));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("by-result"), "rollout-report-by-result.json");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("by-result", "r01"), "robot-report-by-result.json");
  }

  /** Whether the robot's update workflow signalled its report rather than ending with it. */
  private boolean reportedBySignal(String rolloutId, String robotId) {
    return env.getWorkflowClient().fetchHistory(OtaflowNames.robotWorkflowId(rolloutId, robotId)).getEvents().stream()
        .anyMatch(event -> event.getEventType() == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED);
  }

  private static boolean isReportSignal(HistoryEvent event) {
    return event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        && event.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("robotFinished");
  }

  @Test
  void rolloutRollsBackEveryUpdatedRobotWhenStageMissesThreshold() throws IOException {
    startFleet(20);
    RolloutPlan plan = oneAtATime(StagePlan.canary("canary", 1, Duration.ofMinutes(30), 1.0),
        StagePlan.percent("25%", 25, Duration.ofMinutes(30), 0.75),
        StagePlan.percent("100%", 100, Duration.ofHours(1), 0.75));
    // Predict the second stage (same planner as the registry) and make the last two of its four robots to start
    // overheat: the stage can meet its threshold until its last robot fails, so it runs to the end.
    List<String> secondStage = plannedStages("heatwave", plan).get(1).stream().sorted().toList();
    assertThat(secondStage).hasSize(4);
    robots.get(secondStage.get(2)).hot = true;
    robots.get(secondStage.get(3)).hot = true;

    RolloutProgress result = result(start("heatwave", V2, plan));

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("stage '25%' missed its threshold: 2/4 robots healthy (50%) < 75%");
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
    // The canary (stage 1) and the healthy robots of stage 2 were committed, then rolled back by the rollout.
    String canary = stage("heatwave", 0).get(0);
    assertThat(robots.get(canary).rollbacks).isEqualTo(1);
    assertThat(result.rolledBack()).isEqualTo(3);
    assertThat(result.robotCounts()).containsEntry("ROLLED_BACK", 5).containsEntry("PENDING", 15)
        .doesNotContainKey("COMMITTED");
    assertThat(stage("heatwave", 2)).allSatisfy(id -> {
      assertThat(robots.get(id).downloadedAt).as("stage 3 never starts").isEqualTo(-1);
      assertThat(registry.state("heatwave", id)).isEqualTo(RobotUpdateState.PENDING);
    });
    assertThat(registry.state("heatwave", secondStage.get(2))).isEqualTo(RobotUpdateState.ROLLED_BACK);
    assertThat(registry.installedVersions).containsEntry(canary, "1.0.0");
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("heatwave"), "rollout-threshold-missed.json");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("heatwave", secondStage.get(2)),
        "robot-lean-health-failed.json");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("heatwave", canary), "robot-lean-committed.json");
  }

  @Test
  void workflowsCountHealthGateFailuresRollbacksByCauseAndStageDurationsOnce() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Scope scope = new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(meters))
        .reportEvery(com.uber.m3.util.Duration.ofMillis(10));
    startFleet(TestEnvironmentOptions.newBuilder().setMetricsScope(scope), 4, RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET);
    RolloutPlan plan = oneAtATime(StagePlan.canary("canary", 1, Duration.ofMinutes(30), 1.0),
        StagePlan.percent("100%", 100, Duration.ofHours(1), 1.0));
    String hot = plannedStages("counted", plan).get(1).get(0);
    robots.get(hot).hot = true;

    RolloutWorkflow counted = start("counted", V2, plan);
    assertThat(result(counted).status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    for (int i = 0; i < 3; i++) {
      counted.progress();
    }
    scope.close();

    assertThat(meters.get("otaflow_health_gate_failures").tag("probe", "temperature").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("otaflow_robot_rollbacks").tag("cause", "health-gate").counter().count()).isEqualTo(1);
    assertThat(meters.get("otaflow_robot_rollbacks").tag("cause", "rollout").counter().count())
        .as("the canary, committed, then switched back by the rollout").isEqualTo(1);
    Timer canary = meters.get("otaflow_stage_duration").tag("result", "passed").timer();
    assertThat(canary.count()).as("counted once, though queries replayed the rollout").isEqualTo(1);
    assertThat(canary.totalTime(TimeUnit.MINUTES)).as("its bake, in workflow time").isGreaterThanOrEqualTo(30);
    assertThat(meters.get("otaflow_stage_duration").tag("result", "failed").timer().count()).isEqualTo(1);
  }

  @Test
  void corruptDownloadFailsBeforeApplyAndTheRolloutSaysNothingWasApplied() {
    startFleet(10);
    RolloutPlan plan = plan(StagePlan.canary("canary", 1, Duration.ZERO, 1.0));
    String canary = plannedStages("corrupt", plan).get(0).get(0);
    robots.get(canary).corruptDownload = true;

    RolloutProgress result = result(start("corrupt", V2, plan));

    assertThat(result.status()).isEqualTo(RolloutStatus.FAILED);
    assertThat(result.reason()).isEqualTo("stage 'canary' missed its threshold: 0/1 robots healthy (0%) < 100%; "
        + "nothing was applied to any robot");
    assertThat(result.robotCounts()).containsEntry("FAILED", 1);
    assertThat(robots.get(canary).installedVersion()).isEqualTo("1.0.0");
    assertThat(robots.get(canary).rollbacks).isZero();
    assertThat(registry.state("corrupt", canary)).isEqualTo(RobotUpdateState.FAILED);
  }

  @Test
  void pausedRolloutStartsNoRobotUntilResumed() throws Exception {
    startFleet(10);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ofMinutes(10), 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0));
    String canary = plannedStages("paused", plan).get(0).get(0);
    CountDownLatch gate = new CountDownLatch(1);
    robots.get(canary).downloadGate = gate;

    RolloutWorkflow workflow = start("paused", V2, plan);
    assertThat(robots.get(canary).downloadStarted.await(30, TimeUnit.SECONDS)).isTrue();
    RolloutProgress paused = workflow.pause(new OperatorCommand("ana", "checking dashboards"));
    assertThat(paused.status()).isEqualTo(RolloutStatus.PAUSED);
    assertThat(paused.reason()).isEqualTo("paused by ana: checking dashboards");
    gate.countDown();

    // The canary finishes; the rollout stays paused before the next stage.
    RolloutProgress settled = awaitProgress(workflow, p -> p.robotCounts().getOrDefault("COMMITTED", 0) == 1);
    assertThat(settled.status()).isEqualTo(RolloutStatus.PAUSED);
    long resumedAt = FakeRobot.CLOCK.incrementAndGet();
    assertThat(workflow.resume(new OperatorCommand("ana", "looks fine")).status()).isEqualTo(RolloutStatus.RUNNING);

    assertThat(result(workflow).status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(stage("paused", 1)).allSatisfy(id ->
        assertThat(robots.get(id).downloadedAt).as("%s started after resume", id).isGreaterThan(resumedAt));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("paused"), "rollout-paused-resumed.json");
  }

  @Test
  void abortMidStageStopsRobotsAndRollsBackEveryUpdatedRobot() throws Exception {
    startFleet(10);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("50%", 50, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0));
    List<List<String>> stages = plannedStages("abort", plan);
    CountDownLatch gate = new CountDownLatch(1);
    for (String id : stages.get(1)) {
      robots.get(id).downloadGate = gate;
    }

    RolloutWorkflow workflow = start("abort", V2, plan);
    String blocked = stages.get(1).get(0);
    assertThat(robots.get(blocked).downloadStarted.await(30, TimeUnit.SECONDS)).isTrue();
    RolloutProgress result;
    try {
      workflow.abort(new AbortCommand("ana", "wrong release", true));
      // The gate stays shut until the rollout has ended: the abort alone must stop the robots mid-download.
      result = result(workflow);
    } finally {
      gate.countDown();
    }
    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("aborted by ana: wrong release");
    assertThat(result.rolledBack()).as("only the canary needed the rollout's rollback").isEqualTo(1);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
    assertThat(robots.get(stages.get(0).get(0)).rollbacks).as("canary rolled back").isEqualTo(1);
    assertThat(stages.get(2)).allSatisfy(id -> assertThat(robots.get(id).downloadedAt).isEqualTo(-1));
    assertThat(stages.get(1)).allSatisfy(id -> {
      assertThat(robots.get(id).applies).isZero();
      assertThat(registry.state("abort", id)).isEqualTo(RobotUpdateState.FAILED);
      assertThat(registry.reason("abort", id)).isEqualTo("download: aborted: aborted by ana: wrong release");
    });
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("abort"), "rollout-aborted.json");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("abort", blocked), "robot-aborted.json");
  }

  @Test
  void robotThatCannotBeRolledBackFailsTheRolloutAndSaysSo() throws IOException {
    startFleet(10);
    RolloutPlan plan = plan(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0));
    String canary = plannedStages("stuck", plan).get(0).get(0);
    robots.get(canary).hot = true;
    robots.get(canary).rollbackFails = true;

    RolloutProgress result = result(start("stuck", V2, plan));

    // The robot's own compensation failed; the rollout's rollback phase tried again, failed, and says so.
    assertThat(result.status()).isEqualTo(RolloutStatus.FAILED);
    assertThat(result.reason()).isEqualTo(
        "stage 'canary' missed its threshold: 0/1 robots healthy (0%) < 100%; 1 robots could not be rolled back");
    assertThat(robots.get(canary).installedVersion()).isEqualTo("2.0.0");
    assertThat(registry.state("stuck", canary)).isEqualTo(RobotUpdateState.ROLLBACK_FAILED);
    assertThat(registry.reason("stuck", canary)).isEqualTo("rollout rolled back: stage 'canary' missed its threshold: "
        + "0/1 robots healthy (0%) < 100%; rollback: slots/a is read-only");
    assertThat(result.robotCounts()).containsEntry("ROLLBACK_FAILED", 1).containsEntry("PENDING", 9);
    assertThat(result.rolledBack()).isZero();
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("stuck"), "rollout-rollback-failed.json");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("stuck", canary), "robot-rollback-failed.json");
  }

  @Test
  void busyRobotWaitsForASafeStateThenUpdates() throws IOException {
    startFleet(5);
    robots.get("r02").busyChecks = 3;
    RolloutProgress result = result(start("busy", V2, plan(StagePlan.percent("all", 100, Duration.ZERO, 1.0))));

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(robots.get("r02").safeStateChecks).isEqualTo(4);
    assertThat(robots.get("r02").installedVersion()).isEqualTo("2.0.0");
    assertThat(registry.history("busy", "r02")).containsExactly(RobotUpdateState.DOWNLOADING,
        RobotUpdateState.WAITING_SAFE_STATE, RobotUpdateState.HEALTH_CHECKING, RobotUpdateState.COMMITTED);
    assertThat(registry.history("busy", "r01")).doesNotContain(RobotUpdateState.WAITING_SAFE_STATE);
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("busy", "r02"), "robot-lean-waited-for-safe-state.json");
  }

  @Test
  void robotNeverSafeBeforeTheDeadlineIsDeferredUntouched() {
    startFleet(5);
    robots.get("r04").busyChecks = -1;
    RolloutPlan plan = new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 0.8)), 5,
        Duration.ofMinutes(5), 1, Duration.ZERO, Duration.ofHours(2));
    RolloutProgress result = result(start("deferred", V2, plan));

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("DEFERRED", 1).containsEntry("COMMITTED", 4);
    assertThat(registry.state("deferred", "r04")).isEqualTo(RobotUpdateState.DEFERRED);
    assertThat(registry.reason("deferred", "r04")).isEqualTo("safe-state: still mission running after PT2H");
    assertThat(robots.get("r04").applies).isZero();
    assertThat(robots.get("r04").installedVersion()).isEqualTo("1.0.0");
    // Asked about once a minute (a twentieth of two hours, capped at a minute) until the deadline.
    assertThat(robots.get("r04").safeStateChecks).isBetween(120, 122);
  }

  /** One robot at a time, so the order in which robots start and finish is fixed: ascending robot ID. */
  private static RolloutPlan oneAtATime(StagePlan... stages) {
    return new RolloutPlan(List.of(stages), 1, Duration.ofMinutes(5), 3, Duration.ofMinutes(2));
  }

  @Test
  void stageStopsAsSoonAsItsThresholdCannotBeMet() throws IOException {
    startFleet(10);
    RolloutPlan plan = oneAtATime(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 0.9));
    List<String> second = plannedStages("early", plan).get(1).stream().sorted().toList();
    robots.get(second.get(0)).hot = true;

    RolloutProgress result = result(start("early", V2, plan));

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("stage '100%' stopped early: 1 of 9 robots failed, so at most 8 can be"
        + " healthy (88.9%) < 90.0%");
    assertThat(second.subList(1, second.size())).allSatisfy(id ->
        assertThat(robots.get(id).downloadedAt).as("%s never started", id).isEqualTo(-1));
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("early"), "rollout-stage-stopped-early.json");
  }

  @Test
  void stageStopsOnceMoreRobotsFailThanItsMaxFailures() {
    startFleet(10);
    RolloutPlan plan = oneAtATime(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("100%", null, 100, Duration.ZERO, 0.5, false, 1));
    List<String> second = plannedStages("max", plan).get(1).stream().sorted().toList();
    robots.get(second.get(0)).hot = true;
    robots.get(second.get(1)).hot = true;

    RolloutProgress result = result(start("max", V2, plan));

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("stage '100%' stopped early: 2 robots failed, more than its maxFailures 1");
    assertThat(second.subList(2, second.size())).allSatisfy(id ->
        assertThat(robots.get(id).downloadedAt).as("%s never started", id).isEqualTo(-1));
  }

  /** Canary, then the rest; on failure wait for a person. */
  private static RolloutPlan pauseOnFailure() {
    return new RolloutPlan(List.of(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("half", 50, Duration.ZERO, 1.0), StagePlan.percent("100%", 100, Duration.ZERO, 0.5)),
        1, Duration.ofMinutes(5), 1, Duration.ZERO, Duration.ofHours(1), FailureAction.PAUSE);
  }

  @Test
  void onFailurePauseWaitsForAPersonAndResumeAcceptsTheStage() throws Exception {
    startFleet(4);
    RolloutPlan plan = pauseOnFailure();
    String hot = plannedStages("accept", plan).get(1).get(0);
    robots.get(hot).hot = true;

    RolloutWorkflow workflow = start("accept", V2, plan);
    RolloutProgress paused = awaitProgress(workflow, p -> p.status() == RolloutStatus.PAUSED);
    assertThat(paused.reason()).isEqualTo("stage 'half' missed its threshold: 0/1 robots healthy (0%) < 100%; paused"
        + " for a person (onFailure: PAUSE): resume accepts the stage and goes on, abort rolls back");
    workflow.resume(new OperatorCommand("ana", "heat is a sensor fault"));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 3).containsEntry("ROLLED_BACK", 1);
    assertThat(robots.get(hot).installedVersion()).isEqualTo("1.0.0");
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("accept"), "rollout-paused-on-failure.json");
  }

  @Test
  void onFailurePauseThenAbortRollsBackAsUsual() throws Exception {
    startFleet(4);
    RolloutPlan plan = pauseOnFailure();
    String hot = plannedStages("refuse", plan).get(1).get(0);
    robots.get(hot).hot = true;

    RolloutWorkflow workflow = start("refuse", V2, plan);
    awaitProgress(workflow, p -> p.status() == RolloutStatus.PAUSED);
    workflow.abort(new AbortCommand("ana", "too hot", true));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("aborted by ana: too hot");
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
  }

  @Test
  void robotWithNoPreviousReleaseIsNeverReportedRolledBack() throws Exception {
    startFleet(2);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("100%", null, 100, Duration.ZERO, 1.0, true));
    String canary = plannedStages("fresh", plan).get(0).get(0);
    robots.get(canary).neverInstalled();

    RolloutWorkflow workflow = start("fresh", V2, plan);
    awaitProgress(workflow, p -> p.status() == RolloutStatus.WAITING_APPROVAL);
    workflow.abort(new AbortCommand("ana", "wrong release", true));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.FAILED);
    assertThat(result.reason()).isEqualTo("aborted by ana: wrong release; 1 robots could not be rolled back");
    assertThat(result.rolledBack()).isZero();
    assertThat(result.robotCounts()).containsEntry("ROLLBACK_FAILED", 1).doesNotContainKey("ROLLED_BACK");
    assertThat(robots.get(canary).installedVersion()).isEqualTo("2.0.0");
    assertThat(registry.reason("fresh", canary)).endsWith(
        "rollback: no previous release on this robot, still running 2.0.0");
  }

  @Test
  void approvalGateBlocksTheStageUntilApproved() throws Exception {
    startFleet(10);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("100%", null, 100, Duration.ZERO, 1.0, true));

    RolloutWorkflow workflow = start("approval", V2, plan);
    RolloutProgress waiting = awaitProgress(workflow, p -> p.status() == RolloutStatus.WAITING_APPROVAL);
    assertThat(waiting.stageIndex()).isEqualTo(1);
    assertThat(waiting.reason()).isEqualTo("stage '100%' waits for approval");
    assertThat(waiting.robotCounts()).containsEntry("COMMITTED", 1).containsEntry("PENDING", 9);
    assertThat(stage("approval", 1)).allSatisfy(id -> assertThat(robots.get(id).downloadedAt).isEqualTo(-1));

    workflow.approve(new OperatorCommand("ana", "canary looks good"));
    assertThat(result(workflow).status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("2.0.0"));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("approval"), "rollout-approved.json");
  }

  @Test
  void fourEyesApprovalRefusesTheStartersOwnApprovalAndTakesAnothers() throws Exception {
    startFleet(4);
    RolloutPlan interactive = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("100%", null, 100, Duration.ZERO, 1.0, true));
    RolloutPlan plan = new RolloutPlan(interactive.stages(), interactive.maxParallel(), interactive.robotTimeout(),
        interactive.healthChecks(), interactive.healthSoak(), interactive.safeStateDeadline(),
        interactive.onFailure(), true, null);
    RolloutWorkflow workflow = start(new RolloutRequest("four-eyes", V2, plan, TargetSelector.wholeFleet(), "ana"));
    awaitProgress(workflow, p -> p.status() == RolloutStatus.WAITING_APPROVAL);

    assertThatThrownBy(() -> workflow.approve(new OperatorCommand("ana", "my canary looks good")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("cannot approve: four-eyes approval: ana started rollout four-eyes, so"
            + " someone else must approve its stages");
    assertThat(workflow.progress().status()).isEqualTo(RolloutStatus.WAITING_APPROVAL);
    workflow.approve(new OperatorCommand("bob", "checked ana's canary"));
    assertThat(result(workflow).status()).isEqualTo(RolloutStatus.SUCCEEDED);
  }

  @Test
  void offlineRobotTimesOutAndCountsAgainstItsStage() throws IOException {
    startFleet(10, RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET, "r03");
    // The test server does not skip time past a schedule-to-start timeout, so this one is short for real.
    RolloutProgress result = result(start("offline", V2, new RolloutPlan(
        List.of(StagePlan.percent("all", 100, Duration.ZERO, 0.9)), 5, Duration.ofSeconds(2), 1, Duration.ZERO)));

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("OFFLINE", 1).containsEntry("COMMITTED", 9);
    assertThat(registry.state("offline", "r03")).isEqualTo(RobotUpdateState.OFFLINE);
    assertThat(robots.get("r03").installedVersion()).isEqualTo("1.0.0");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("offline", "r03"), "robot-offline.json");
  }

  @Test
  void invalidCommandsAreRejectedWithAReason() throws Exception {
    startFleet(5);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("100%", null, 100, Duration.ZERO, 1.0, true));
    RolloutWorkflow workflow = start("commands", V2, plan);
    awaitProgress(workflow, p -> p.status() == RolloutStatus.WAITING_APPROVAL);

    assertThatThrownBy(() -> workflow.resume(new OperatorCommand("ana", "go")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("cannot resume: rollout is WAITING_APPROVAL, not PAUSED");
    assertThatThrownBy(() -> workflow.pause(new OperatorCommand("ana", "wait")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("cannot pause: rollout is WAITING_APPROVAL, not RUNNING");
    assertThatThrownBy(() -> workflow.approve(new OperatorCommand(" ", "ok")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("command.by: say who gives the command");

    workflow.approve(new OperatorCommand("ana", "ok"));
    assertThat(result(workflow).status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThatThrownBy(() -> workflow.approve(new OperatorCommand("ana", "again")))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void unknownTargetRobotFailsTheRolloutWithTheirNames() {
    startFleet(3);
    RolloutWorkflow workflow = env.getWorkflowClient().newWorkflowStub(RolloutWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("rollout-unknown").setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
            .build());
    RolloutProgress result = workflow.run(new RolloutRequest("unknown", V2,
        plan(StagePlan.percent("all", 100, Duration.ZERO, 1.0)),
        new TargetSelector(Map.of(), List.of("r01", "r98", "r99")), null), null);

    assertThat(result.status()).isEqualTo(RolloutStatus.FAILED);
    assertThat(result.reason()).isEqualTo("targets: unknown robot(s): r98, r99");
  }

  @Test
  void stagesThatUpdateNoRobotDoNotBake() throws IOException {
    startFleet(1);
    RolloutProgress result = result(start("one-robot", V2, canaryTenFiftyHundred(1.0)));

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.stages()).extracting(StageProgress::size).containsExactly(1, 0, 0, 0);
    List<HistoryEvent> history = env.getWorkflowClient()
        .fetchHistory(OtaflowNames.rolloutWorkflowId("one-robot")).getEvents();
    assertThat(history).filteredOn(event -> event.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .as("only the canary's bake").singleElement()
        .satisfies(timer -> assertThat(timer.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
            .isEqualTo(Duration.ofMinutes(30).toSeconds()));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("one-robot"), "rollout-empty-stages.json");
  }

  @Test
  void longRolloutContinuesAsNewAndStillFinishes() throws IOException {
    startFleet(30, 120);
    // No timer in this plan: once a run continues as new with robot workflows in flight, the test server stops
    // skipping time (observed with SDK 1.38), and a two-minute health soak would take two real minutes.
    RolloutWorkflow workflow = start("long", V2, interactive(StagePlan.canary("canary", 2, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0)));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 30);
    List<HistoryEvent> lastRun = env.getWorkflowClient()
        .fetchHistory(OtaflowNames.rolloutWorkflowId("long")).getEvents();
    assertThat(lastRun.size()).as("each run stays short").isLessThan(400);
    assertThat(lastRun.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId())
        .as("the last run was continued from an earlier one").isNotEmpty();
    assertThat(lastRun.get(lastRun.size() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    // Robots that outlive the run that started them report to a later run by signal; the others by their result.
    long bySignal = robots.keySet().stream().filter(id -> reportedBySignal("long", id)).count();
    assertThat(bySignal).as("robots that reported by signal").isBetween(1L, 29L);
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("long"), "rollout-report-by-result-continued-as-new.json");
  }

  /** The workflow-task events of {@code run} after it started its last robot: the drain's. */
  private static int workflowTaskEventsAfterLastStart(List<HistoryEvent> run) {
    int lastStart = -1;
    for (int i = 0; i < run.size(); i++) {
      if (run.get(i).getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
        lastStart = i;
      }
    }
    return (int) run.subList(lastStart + 1, run.size()).stream()
        .filter(event -> WORKFLOW_TASK_EVENTS.contains(event.getEventType())).count();
  }

  private static final Set<EventType> WORKFLOW_TASK_EVENTS = EnumSet.of(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);

  @Test
  void aWindowStartedInOneWorkflowTaskStaysWithinTheHistoryBudget() throws IOException {
    int budget = 200;
    startFleet(120, budget);
    // The whole fleet fits the window: a run that counted only the history already written would start all 120
    // robots in its first workflow task and overshoot its budget by their start, report and end events (to about 550).
    RolloutWorkflow workflow = start("burst", V2, new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO,
        1.0)), 120, Duration.ofMinutes(5), 1, Duration.ZERO));

    assertThat(result(workflow).status()).isEqualTo(RolloutStatus.SUCCEEDED);
    List<Integer> runLengths = new ArrayList<>();
    List<Integer> runLengthsButDrainTasks = new ArrayList<>();
    String runId = "";
    do {
      List<HistoryEvent> run = runId.isEmpty()
          ? env.getWorkflowClient().fetchHistory(OtaflowNames.rolloutWorkflowId("burst")).getEvents()
          : env.getWorkflowClient().fetchHistory(OtaflowNames.rolloutWorkflowId("burst"), runId).getEvents();
      runLengths.add(run.size());
      runLengthsButDrainTasks.add(run.size() - workflowTaskEventsAfterLastStart(run) - (int) run.stream()
          .filter(event -> event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count());
      runId = run.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    assertThat(runLengths).as("history events of each run, last first").hasSizeGreaterThan(1);
    // What the budget cannot count: the rollout's own workflow tasks once it stopped starting robots and drains, as
    // many as the robots' reports arrive in separate tasks (40-60 events when they batch; up to 3 per robot on a
    // loaded machine), and the reports, one signal each, of robots an earlier run started. Everything else, the
    // events of the robots it started included, was counted before it started them.
    assertThat(runLengthsButDrainTasks).as("events of each run but its draining workflow tasks', last first (all: %s)",
        runLengths).allSatisfy(length -> assertThat(length).isLessThanOrEqualTo(budget));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("burst"), "rollout-history-headroom.json");
  }

  @Test
  void aSlowRobotHoldsNobodyAndAnAbortStillReachesItAfterContinueAsNew() throws Exception {
    startFleet(30, 150);
    CountDownLatch gate = new CountDownLatch(1);
    robots.get("r01").downloadGate = gate;
    RolloutWorkflow workflow = start("slow", V2, interactive(StagePlan.percent("all", 100, Duration.ZERO, 1.0)));
    RolloutProgress result;
    try {
      // Every other robot commits while r01 stays in its download, across continue-as-new.
      awaitProgress(workflow, progress -> progress.robotCounts().getOrDefault("COMMITTED", 0) == 29);
      assertThat(continuedAsNewSinceItStarted("slow", "r01"))
          .as("r01 was started by an earlier run than the current one").isTrue();

      workflow.abort(new AbortCommand("ana", "stop it", true));
      result = result(workflow);
    } finally {
      gate.countDown();
    }
    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(registry.reason("slow", "r01")).isEqualTo("download: aborted: aborted by ana: stop it");
    assertThat(result.rolledBack()).isEqualTo(29);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("slow"), "rollout-window-over-continue-as-new.json");
  }

  /**
   * Temporal's test server looks up a workflow's current run, then delivers a signal to it: when the rollout's run
   * continues as new in between, it refuses a robot's report as NOT_FOUND (sdk-java#1538). Here every robot
   * workflow's first report goes to the run that started it, as in that race, so r01, started before the rollout
   * continued as new and reporting after, is always refused once: its report must reach the next run all the same,
   * or the rollout waits on it and later takes it for lost.
   */
  @Test
  void aReportRefusedByTheRunThatJustContinuedAsNewReachesTheNextRun() throws Exception {
    startFleet(TestEnvironmentOptions.newBuilder().setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(firstReportToTheStartingRun()).build()), 30, 150);
    CountDownLatch gate = new CountDownLatch(1);
    FakeRobot r01 = robots.get("r01");
    r01.downloadGate = gate;
    RolloutWorkflow workflow = start("refused", V2, interactive(StagePlan.percent("all", 100, Duration.ZERO, 1.0)));
    try {
      assertThat(r01.downloadStarted.await(30, TimeUnit.SECONDS)).isTrue();
      awaitCondition(() -> continuedAsNewSinceItStarted("refused", "r01"),
          () -> "the rollout never continued as new while r01 was in its download");
    } finally {
      gate.countDown();
    }
    awaitProgress(workflow, progress -> progress.robotCounts().getOrDefault("COMMITTED", 0) == 30);

    RolloutProgress result = result(workflow);
    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(registry.state("refused", "r01")).isEqualTo(RobotUpdateState.COMMITTED);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("2.0.0"));
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("refused", "r01"), "robot-report-refused-then-sent-again.json");
  }

  /** Whether the rollout's current run is a later one than the run that started the robot's workflow. */
  private boolean continuedAsNewSinceItStarted(String rolloutId, String robotId) {
    String currentRun = env.getWorkflowClient().newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId(rolloutId))
        .describe().getExecution().getRunId();
    String startedBy = env.getWorkflowClient().fetchHistory(OtaflowNames.robotWorkflowId(rolloutId, robotId))
        .getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getParentWorkflowExecution().getRunId();
    return !startedBy.equals(currentRun);
  }

  /**
   * Sends the first report of each robot workflow to the rollout run that started it, rather than to the rollout's
   * workflow ID: once that run has continued as new, it refuses the report, as the test server now and then does.
   */
  private static WorkerInterceptorBase firstReportToTheStartingRun() {
    return wrappingOutboundCalls(outbound -> new WorkflowOutboundCallsInterceptorBase(outbound) {
      private boolean reported;

      @Override
      public SignalExternalOutput signalExternalWorkflow(SignalExternalInput input) {
        if (reported || !input.getSignalName().equals("robotFinished")) {
          return super.signalExternalWorkflow(input);
        }
        reported = true;
        WorkflowExecution startingRun = input.getExecution().toBuilder()
            .setRunId(Workflow.getInfo().getParentRunId().orElseThrow()).build();
        return super.signalExternalWorkflow(
            new SignalExternalInput(startingRun, input.getSignalName(), input.getHeader(), input.getArgs()));
      }
    });
  }

  /** A worker interceptor that wraps the outbound calls of every workflow it runs, one wrapper per workflow. */
  private static WorkerInterceptorBase wrappingOutboundCalls(
      UnaryOperator<WorkflowOutboundCallsInterceptor> wrap) {
    return new WorkerInterceptorBase() {
      @Override
      public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
        return new WorkflowInboundCallsInterceptorBase(next) {
          @Override
          public void init(WorkflowOutboundCallsInterceptor outbound) {
            super.init(wrap.apply(outbound));
          }
        };
      }
    };
  }

  @Test
  void aStageThatCannotPassTellsItsRobotsInFlightToStop() throws IOException {
    startFleet(10);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0));
    List<String> second = plannedStages("stop", plan).get(1).stream().sorted().toList();
    CountDownLatch gate = new CountDownLatch(1);
    robots.get(second.get(0)).hot = true;
    second.subList(1, 5).forEach(id -> robots.get(id).downloadGate = gate);

    RolloutProgress result;
    try {
      // The gate opens only after the rollout ended: the robots held in it must have been told to stop.
      result = result(start("stop", V2, plan));
    } finally {
      gate.countDown();
    }

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    String stopped = "stage '100%' stopped early: 1 of 9 robots failed, so at most 8 can be healthy (88.9%) < 100.0%";
    assertThat(result.reason()).isEqualTo(stopped);
    assertThat(second.subList(1, 5)).allSatisfy(id -> {
      assertThat(registry.state("stop", id)).isEqualTo(RobotUpdateState.FAILED);
      assertThat(registry.reason("stop", id)).isEqualTo("download: aborted: " + stopped);
      assertThat(robots.get(id).applies).isZero();
    });
    assertThat(second.subList(5, second.size())).allSatisfy(id ->
        assertThat(robots.get(id).downloadedAt).as("%s never started", id).isEqualTo(-1));
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
  }

  /**
   * The rollback phase does not wait for the robots in flight: the canary is switched back while a robot of the
   * failing stage is still in the middle of its apply (which then rolls itself back), and a robot that was committing
   * when the stage stopped is switched back once it reports COMMITTED.
   */
  @Test
  void theRollbackPhaseBeginsWhileRobotsInFlightAreStillApplyingOrCommitting() throws Exception {
    startFleet(4);
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0));
    List<List<String>> stages = plannedStages("early", plan);
    FakeRobot canary = robots.get(stages.get(0).get(0));
    List<String> second = stages.get(1).stream().sorted().toList();
    FakeRobot applying = robots.get(second.get(0));
    FakeRobot hot = robots.get(second.get(1));
    FakeRobot committing = robots.get(second.get(2));
    hot.hot = true;
    CountDownLatch applyGate = new CountDownLatch(1);
    CountDownLatch hotGate = new CountDownLatch(1);
    CountDownLatch commitGate = new CountDownLatch(1);
    applying.applyGate = applyGate;
    hot.applyGate = hotGate;
    committing.commitGate = commitGate;

    RolloutWorkflow workflow = start("early", V2, plan);
    try {
      assertThat(applying.applyStarted.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(committing.commitStarted.await(30, TimeUnit.SECONDS)).isTrue();
      hotGate.countDown();
      awaitCondition(() -> canary.rollbacks == 1, () -> "never: the canary switched back while " + applying.id
          + " applies and " + committing.id + " commits");
      commitGate.countDown();
      awaitCondition(() -> committing.rollbacks == 1, () -> "never: " + committing.id
          + " switched back after it committed, while " + applying.id + " still applies");
      assertThat(applyGate.getCount()).as("still applying").isEqualTo(1);
    } finally {
      hotGate.countDown();
      commitGate.countDown();
      applyGate.countDown();
    }
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(registry.state("early", applying.id)).isEqualTo(RobotUpdateState.ROLLED_BACK);
    assertThat(registry.state("early", committing.id)).isEqualTo(RobotUpdateState.ROLLED_BACK);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("early"), "rollout-rollback-during-drain.json");
  }

  /**
   * Starts a one-stage rollout whose robots are held in their download until {@code inFlight} are, turns the kill
   * switch on, and returns once none is in flight any more; the downloads are let go only then.
   */
  private RolloutWorkflow startThenKillSwitchWhileRobotsDownload(String rolloutId, int inFlight)
      throws InterruptedException {
    CountDownLatch gate = new CountDownLatch(1);
    robots.values().forEach(robot -> robot.downloadGate = gate);
    RolloutWorkflow workflow = start(rolloutId, V2, interactive(StagePlan.percent("all", 100, Duration.ZERO, 1.0)));
    try {
      awaitProgress(workflow, progress -> progress.robotCounts().getOrDefault("IN_FLIGHT", 0) == inFlight);
      WorkflowStub.fromTyped(workflow).signal("killSwitch", new OperatorCommand("ops", "motor recall"));
      awaitProgress(workflow, progress -> progress.robotCounts().get("IN_FLIGHT") == 0);
      return workflow;
    } finally {
      gate.countDown();
    }
  }

  @Test
  void killSwitchHoldsTheRolloutAndPutsRobotsThatHaveNotAppliedBackInLine() throws Exception {
    startFleet(10);
    RolloutWorkflow workflow = startThenKillSwitchWhileRobotsDownload("switch", 5);
    RolloutProgress held = workflow.progress();

    assertThat(held.status()).isEqualTo(RolloutStatus.PAUSED);
    assertThat(held.reason()).isEqualTo("kill switch on by ops: motor recall");
    assertThat(held.robotCounts()).containsEntry("PENDING", 10).doesNotContainKey("FAILED");
    String stoppedOne = robots.values().stream().filter(robot -> robot.downloadedAt > 0).findFirst().orElseThrow().id;
    assertThat(registry.state("switch", stoppedOne)).isEqualTo(RobotUpdateState.PENDING);
    assertThat(registry.reason("switch", stoppedOne))
        .isEqualTo("stopped before apply at download: kill switch on by ops: motor recall");
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.applies).isZero());

    workflow.resume(new OperatorCommand("ops", "motors checked"));
    RolloutProgress result = result(workflow);
    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 10);
    recordHistoryIfAsked(OtaflowNames.rolloutWorkflowId("switch"), "rollout-kill-switch.json");
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("switch", "r01"), "robot-committed-and-reported.json");
  }

  @Test
  void abortWhileTheKillSwitchHoldsRobotsInLineEndsTheRollout() throws Exception {
    startFleet(3);
    RolloutWorkflow workflow = startThenKillSwitchWhileRobotsDownload("held", 3);

    workflow.abort(new AbortCommand("ops", "recall confirmed", true));
    RolloutProgress result = result(workflow);
    assertThat(result.status()).isEqualTo(RolloutStatus.ABORTED);
    assertThat(result.robotCounts()).containsEntry("PENDING", 3);
    assertThat(robots.values()).allSatisfy(robot -> assertThat(robot.applies).isZero());
    recordHistoryIfAsked(OtaflowNames.robotWorkflowId("held", "r01"), "robot-held-by-kill-switch.json");
  }

  @Test
  void robotWorkflowTerminatedByHandIsSwitchedBackAndCounted() throws Exception {
    startFleet(4);
    CountDownLatch gate = new CountDownLatch(1);
    robots.get("r02").downloadGate = gate;
    // Robot workflows silent for a robotTimeout are checked on: a short one, as the test server (whose time stops
    // skipping by itself after a terminated child) then waits in real time.
    RolloutWorkflow workflow = start("lost", V2, new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO,
        0.5)), 5, Duration.ofSeconds(2), 1, Duration.ZERO));
    RolloutProgress result;
    try {
      assertThat(robots.get("r02").downloadStarted.await(30, TimeUnit.SECONDS)).isTrue();
      env.getWorkflowClient().newUntypedWorkflowStub(OtaflowNames.robotWorkflowId("lost", "r02"))
          .terminate("by hand, from the Web UI");
      // The rollout hears nothing from r02: it asks after it on its next check, finds it gone, and switches it back.
      result = result(workflow);
    } finally {
      gate.countDown();
    }
    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 3).containsEntry("ROLLED_BACK", 1);
    assertThat(registry.state("lost", "r02")).isEqualTo(RobotUpdateState.ROLLED_BACK);
    assertThat(registry.reason("lost", "r02"))
        .isEqualTo("robot workflow ended without reporting (terminated outside otaflow?)");
    assertThat(robots.get("r02").installedVersion()).isEqualTo("1.0.0");
  }

  /**
   * A robot workflow whose result missed its rollout run (that run continued as new in the instant the robot ended,
   * so its end reached no run) is found ended on the rollout's next check: the outcome it recorded as its last act is
   * its report. Here r02 records COMMITTED and then hangs until a person terminates it, which ends it the same way.
   * Its termination reaches the rollout at once, or, when the test server loses it (it does now and then: a workflow
   * task of r02 completing as it ends), at the next check of silent robots: after the plan's robotTimeout, 10 s here.
   */
  @Test
  void aRobotThatEndedAfterRecordingItsOutcomeCountsWithItNotAsLost() throws Exception {
    startFleet(TestEnvironmentOptions.newBuilder().setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(hangAfterRecordingTheOutcome(OtaflowNames.robotWorkflowId("recorded", "r02"))).build()), 4,
        RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET);
    RolloutWorkflow workflow = start("recorded", V2, new RolloutPlan(List.of(StagePlan.percent("all", 100,
        Duration.ZERO, 1.0)), 5, Duration.ofSeconds(10), 1, Duration.ZERO));
    awaitCondition(() -> registry.history("recorded", "r02").contains(RobotUpdateState.COMMITTED),
        () -> "r02 never recorded its outcome");
    env.getWorkflowClient().newUntypedWorkflowStub(OtaflowNames.robotWorkflowId("recorded", "r02"))
        .terminate("ended without its report reaching the rollout");
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 4).doesNotContainKey("ROLLED_BACK");
    assertThat(registry.history("recorded", "r02")).last().isEqualTo(RobotUpdateState.COMMITTED);
    assertThat(robots.get("r02").installedVersion()).isEqualTo("2.0.0");
  }

  /** Holds one robot's workflow once its outcome is recorded (its last registry write), until it is terminated. */
  private static WorkerInterceptorBase hangAfterRecordingTheOutcome(String workflowId) {
    return wrappingOutboundCalls(outbound -> new WorkflowOutboundCallsInterceptorBase(outbound) {
      @Override
      public <R> LocalActivityOutput<R> executeLocalActivity(LocalActivityInput<R> input) {
        LocalActivityOutput<R> output = super.executeLocalActivity(input);
        if (input.getActivityName().equals("RecordOutcome") && Workflow.getInfo().getWorkflowId().equals(workflowId)) {
          output.getResult().get();
          Workflow.await(() -> false);
        }
        return output;
      }
    });
  }

  @Test
  void rollbackOfAnEndedRolloutSwitchesItsRobotsBackThroughTheSamePath() throws IOException {
    startFleet(6);
    RolloutRequest request = new RolloutRequest("done", V2, interactive(StagePlan.percent("all", 100, Duration.ZERO,
        1.0)), TargetSelector.wholeFleet(), null);
    assertThat(result(start("done", V2, request.plan())).status()).isEqualTo(RolloutStatus.SUCCEEDED);
    // Since then r06 moved on to another release: the rollback leaves it there.
    registry.installedVersions.put("r06", "3.0.0");

    RolloutWorkflow rollback = env.getWorkflowClient().newWorkflowStub(RolloutWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(OtaflowNames.rolloutRollbackWorkflowId("done"))
            .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE).build());
    WorkflowClient.start(rollback::run, request.withRollbackOrder(new OperatorCommand("ana", "field reports")), null);
    RolloutProgress result = result(rollback);

    String why = "rolled back after it ended by ana: field reports; 1 robots had moved on to another release since"
        + " and stay there";
    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo(why);
    assertThat(result.rolledBack()).isEqualTo(5);
    assertThat(result.robotCounts()).containsEntry("ROLLED_BACK", 5).containsEntry("COMMITTED", 1);
    assertThat(registry.rolloutEvents).last().isEqualTo("ROLLED_BACK: " + why);
    assertThat(robots.get("r06").rollbacks).isZero();
    assertThat(robots.values().stream().filter(robot -> !robot.id.equals("r06"))).allSatisfy(robot -> {
      assertThat(robot.installedVersion()).isEqualTo("1.0.0");
      assertThat(robot.rollbacks).isEqualTo(1);
      assertThat(registry.reason("done", robot.id))
          .isEqualTo("rollout rolled back: rolled back after it ended by ana: field reports");
    });
    recordHistoryIfAsked(OtaflowNames.rolloutRollbackWorkflowId("done"), "rollout-rolled-back-after-it-ended.json");
    recordHistoryIfAsked(OtaflowNames.robotRollbackWorkflowId("done", "r01"), "rollback-robot-switched-back.json");
  }
}
