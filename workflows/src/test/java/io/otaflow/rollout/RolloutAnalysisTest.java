package io.otaflow.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.AnalysisCheck;
import io.otaflow.plan.FailureAction;
import io.otaflow.plan.InconclusiveAction;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StageAnalysis;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.SuccessCondition;
import io.otaflow.plan.TargetSelector;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stage's analysis: metric checks measured while it bakes, against {@link FakeAnalysis} at the metrics edge. */
class RolloutAnalysisTest {

  private TestFleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.env().close();
    }
  }

  /** An error-rate check that passes below 0.05, measured every minute. */
  private static AnalysisCheck errorRate(int count, int failureLimit, InconclusiveAction inconclusive) {
    return new AnalysisCheck("error-rate", "sum(rate(errors_total[5m]))", new SuccessCondition("<", 0.05),
        Duration.ofMinutes(1), count, failureLimit, inconclusive);
  }

  /** A canary of one robot analysed by {@code checks} and baking {@code bake}, then the rest of the fleet. */
  private static RolloutPlan analysedCanary(Duration bake, FailureAction onFailure, AnalysisCheck... checks) {
    return new RolloutPlan(List.of(StagePlan.canary("canary", 1, bake, 1.0)
            .withAnalysis(new StageAnalysis(List.of(checks))), StagePlan.percent("100%", 100, Duration.ZERO, 1.0)),
        2, Duration.ofMinutes(5), 1, Duration.ZERO, Duration.ofHours(1), onFailure);
  }

  private RolloutWorkflow start(String rolloutId, RolloutPlan plan) {
    fleet = fleet != null ? fleet : TestFleet.start(4, RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET, "1.0.0");
    RolloutRequest request = new RolloutRequest(rolloutId, RolloutWorkflowTest.V2, plan, TargetSelector.wholeFleet(),
        null);
    RolloutWorkflow workflow = fleet.env().getWorkflowClient().newWorkflowStub(RolloutWorkflow.class,
        RolloutWebUi.workflowOptions(OtaflowNames.rolloutWorkflowId(rolloutId), request));
    WorkflowClient.start(workflow::run, request, null);
    return workflow;
  }

  private static RolloutProgress result(RolloutWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getResult(RolloutProgress.class);
  }

  /**
   * Lets the server's clock run (the test server skips time only while someone waits on it) until the rollout's
   * progress matches: the analysis's timers stand between the start and a pause.
   */
  private RolloutProgress awaitProgress(RolloutWorkflow workflow, Predicate<RolloutProgress> condition)
      throws InterruptedException {
    RolloutProgress[] last = new RolloutProgress[1];
    RolloutWorkflowTest.awaitCondition(() -> {
      fleet.env().sleep(Duration.ofMinutes(1));
      return condition.test(last[0] = workflow.progress());
    }, () -> "progress never matched; last: " + last[0]);
    return last[0];
  }

  private List<String> stage(String rolloutId, RolloutPlan plan, int stage) {
    return StagePlanner.assign(rolloutId, List.copyOf(fleet.robots().keySet()), plan).get(stage);
  }

  private void recordHistoryIfAsked(String rolloutId, String resourceName) throws IOException {
    RecordedHistories.recordIfAsked(fleet.env().getWorkflowClient(), OtaflowNames.rolloutWorkflowId(rolloutId),
        resourceName);
  }

  @Test
  void passingAnalysisExtendsAShorterBakeAndThenTheNextStageStarts() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ofSeconds(30), FailureAction.ROLLBACK_ALL,
        errorRate(3, 0, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("analysed", plan);
    fleet.analysis().script("error-rate", 0.01, 0.02, 0.0);
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(fleet.registry().analysisEvents).containsExactly(
        "PASS canary stage 'canary' analysis 'error-rate': 0.01 < 0.05 (1 of 3)",
        "PASS canary stage 'canary' analysis 'error-rate': 0.02 < 0.05 (2 of 3)",
        "PASS canary stage 'canary' analysis 'error-rate': 0 < 0.05 (3 of 3)");
    List<FakeAnalysis.Taken> taken = fleet.analysis().taken("error-rate");
    // Measured an interval apart on durable timers (the server schedules each a few ms after the workflow's time
    // for it): three minutes in all, far past the 30 s bake.
    for (int i = 1; i < taken.size(); i++) {
      assertThat(Duration.between(taken.get(i - 1).scheduledAt(), taken.get(i).scheduledAt()).toMillis())
          .isBetween(59_000L, 61_000L);
    }
    long lastMeasurement = taken.get(taken.size() - 1).order();
    assertThat(stage("analysed", plan, 1)).allSatisfy(robot ->
        assertThat(fleet.robots().get(robot).downloadedAt).as("%s started after the analysis", robot)
            .isGreaterThan(lastMeasurement));
    recordHistoryIfAsked("analysed", "rollout-analysis-passed.json");
  }

  @Test
  void theWebUiDetailsShowEachCheck() {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(5, 1, InconclusiveAction.PAUSE));
    RolloutRequest request = new RolloutRequest("shown", RolloutWorkflowTest.V2, plan, TargetSelector.wholeFleet(),
        null);

    assertThat(RolloutWebUi.workflowOptions("rollout-shown", request).getStaticDetails()).contains(
        "\nStage canary analysis `error-rate`: `sum(rate(errors_total[5m]))` < 0.05, 5 times 1m apart, failure limit"
            + " 1, inconclusive: PAUSE.\n");
  }

  @Test
  void bakeLongerThanTheAnalysisStillHoldsTheNextStage() {
    RolloutPlan plan = analysedCanary(Duration.ofHours(2), FailureAction.ROLLBACK_ALL,
        errorRate(1, 0, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("long-bake", plan);
    fleet.analysis().script("error-rate", 0.01);
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(fleet.analysis().taken("error-rate")).hasSize(1);
    assertThat(fleet.registry().rolloutEvents).last().isEqualTo("SUCCEEDED");
  }

  @Test
  void checkFailingMoreThanItsLimitFailsTheStageAtOnceAndRollsBack() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(5, 1, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("failing", plan);
    fleet.analysis().script("error-rate", 0.01, 0.2, 0.12);
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason())
        .isEqualTo("stage 'canary' analysis 'error-rate' failed: 2 of 5 measurements not < 0.05 (last 0.12)");
    assertThat(fleet.analysis().taken("error-rate")).as("no measurement after the stage failed").hasSize(3);
    assertThat(fleet.registry().analysisEvents).containsExactly(
        "PASS canary stage 'canary' analysis 'error-rate': 0.01 < 0.05 (1 of 5)",
        "FAIL canary stage 'canary' analysis 'error-rate': 0.2 not < 0.05 (2 of 5)",
        "FAIL canary stage 'canary' analysis 'error-rate': 0.12 not < 0.05 (3 of 5)");
    String canary = stage("failing", plan, 0).get(0);
    assertThat(fleet.robots().get(canary).installedVersion()).isEqualTo("1.0.0");
    assertThat(stage("failing", plan, 1)).allSatisfy(robot ->
        assertThat(fleet.robots().get(robot).downloadedAt).as("%s never started", robot).isEqualTo(-1));
    recordHistoryIfAsked("failing", "rollout-analysis-failed.json");
  }

  @Test
  void failedAnalysisWithOnFailurePausePausesAndResumeAcceptsTheStage() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.PAUSE, errorRate(2, 0, InconclusiveAction.FAIL));
    RolloutWorkflow workflow = start("failing-paused", plan);
    fleet.analysis().script("error-rate", 0.3);

    RolloutProgress paused = awaitProgress(workflow, progress -> progress.status() == RolloutStatus.PAUSED);
    assertThat(paused.reason()).isEqualTo("stage 'canary' analysis 'error-rate' failed: 1 of 2 measurements not"
        + " < 0.05 (last 0.3); paused for a person (onFailure: PAUSE): resume accepts the stage and goes on, abort"
        + " rolls back");
    workflow.resume(new OperatorCommand("ana", "the error rate is a dashboard bug"));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(fleet.analysis().taken("error-rate")).hasSize(1);
    assertThat(fleet.robots().values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("2.0.0"));
  }

  @Test
  void inconclusivePauseWaitsForAPersonAndResumeGoesOnMeasuring() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(2, 0, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("inconclusive", plan);
    fleet.analysis().script("error-rate", Double.NaN, 0.01);

    RolloutProgress paused = awaitProgress(workflow, progress -> progress.status() == RolloutStatus.PAUSED);
    assertThat(paused.reason()).isEqualTo("stage 'canary' analysis 'error-rate' inconclusive: NaN; paused for a"
        + " person (inconclusive: PAUSE): resume accepts the measurement and the analysis goes on, abort rolls back");
    assertThat(paused.analysis()).containsExactly("error-rate: 1 of 2 measured, 0 failed (limit 0), last"
        + " inconclusive: NaN");
    assertThat(paused.markdown()).contains("analysis:\n- error-rate: 1 of 2 measured");
    workflow.resume(new OperatorCommand("ana", "Prometheus was restarting"));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.analysis()).as("shown only while it runs or holds the rollout").isEmpty();
    assertThat(fleet.registry().analysisEvents).containsExactly(
        "INCONCLUSIVE canary stage 'canary' analysis 'error-rate': inconclusive: NaN (1 of 2)",
        "PASS canary stage 'canary' analysis 'error-rate': 0.01 < 0.05 (2 of 2)");
    recordHistoryIfAsked("inconclusive", "rollout-analysis-inconclusive-resumed.json");
  }

  @Test
  void inconclusivePauseThenAbortRollsBack() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(2, 0, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("inconclusive-aborted", plan);
    fleet.analysis().script("error-rate", Double.NaN);

    awaitProgress(workflow, progress -> progress.status() == RolloutStatus.PAUSED);
    workflow.abort(new AbortCommand("ana", "no metrics, no rollout", true));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("aborted by ana: no metrics, no rollout");
    assertThat(fleet.robots().values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
  }

  /** Polls the progress query until it matches, with the server's clock standing: nothing may skip a timer. */
  private static RolloutProgress awaitStanding(RolloutWorkflow workflow, Predicate<RolloutProgress> condition)
      throws InterruptedException {
    RolloutProgress[] last = new RolloutProgress[1];
    RolloutWorkflowTest.awaitCondition(() -> condition.test(last[0] = workflow.progress()),
        () -> "progress never matched; last: " + last[0]);
    return last[0];
  }

  @Test
  void abortDuringTheAnalysisRollsBackWithoutMeasuringFurther() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(3, 0, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("aborted-in-analysis", plan);
    fleet.analysis().script("error-rate", 0.01);

    // Waiting on its first interval's timer, which stands still while nobody waits on the server.
    awaitStanding(workflow, progress -> progress.analysis().equals(List.of("error-rate: 0 of 3 measured, 0 failed"
        + " (limit 0)")));
    workflow.abort(new AbortCommand("ana", "wrong release", true));
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("aborted by ana: wrong release");
    assertThat(fleet.analysis().taken("error-rate")).isEmpty();
    assertThat(fleet.robots().values()).allSatisfy(robot -> assertThat(robot.installedVersion()).isEqualTo("1.0.0"));
  }

  @Test
  void killSwitchDuringTheAnalysisHoldsTheNextStageWhileTheMeasurementsGoOn() throws Exception {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(2, 0, InconclusiveAction.PAUSE));
    RolloutWorkflow workflow = start("held-in-analysis", plan);
    fleet.analysis().script("error-rate", 0.01);

    awaitStanding(workflow, progress -> !progress.analysis().isEmpty());
    WorkflowStub.fromTyped(workflow).signal("killSwitch", new OperatorCommand("ana", "bad batch of motors"));
    // The analysis finishes under the kill switch; the next stage waits for a person.
    RolloutProgress held = awaitProgress(workflow, progress -> progress.stageIndex() == 1);
    assertThat(held.status()).isEqualTo(RolloutStatus.PAUSED);
    assertThat(held.reason()).isEqualTo("kill switch on by ana: bad batch of motors");
    assertThat(fleet.registry().analysisEvents).hasSize(2).allSatisfy(event -> assertThat(event).startsWith("PASS"));
    assertThat(stage("held-in-analysis", plan, 1)).allSatisfy(robot ->
        assertThat(fleet.robots().get(robot).downloadedAt).as("%s held", robot).isEqualTo(-1));
    workflow.resume(new OperatorCommand("ana", "motors checked"));

    assertThat(result(workflow).status()).isEqualTo(RolloutStatus.SUCCEEDED);
  }

  @Test
  void inconclusiveFailFailsTheStage() {
    RolloutPlan plan = analysedCanary(Duration.ZERO, FailureAction.ROLLBACK_ALL,
        errorRate(3, 1, InconclusiveAction.FAIL));
    RolloutWorkflow workflow = start("inconclusive-fails", plan);
    fleet.analysis().script("error-rate", Double.NaN);
    RolloutProgress result = result(workflow);

    assertThat(result.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("stage 'canary' analysis 'error-rate' inconclusive: NaN");
    assertThat(fleet.analysis().taken("error-rate")).hasSize(1);
  }
}
