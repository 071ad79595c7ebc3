package io.otaflow.rollout;

import static io.otaflow.rollout.RolloutWorkflowTest.V1;
import static io.otaflow.rollout.RolloutWorkflowTest.V2;
import static io.otaflow.rollout.RolloutWorkflowTest.interactive;
import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the Temporal Web UI shows of a rollout without otaflow's own tools: the test server runs no visibility queries,
 * so these describe the workflows and read their histories, where search attributes, memo, summaries and details live.
 */
class RolloutWebUiTest {

  private TestFleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.env().close();
    }
  }

  private RolloutWorkflow start(String rolloutId, RolloutPlan plan) {
    RolloutRequest request = new RolloutRequest(rolloutId, V2, plan, TargetSelector.wholeFleet(), null);
    RolloutWorkflow workflow = client().newWorkflowStub(RolloutWorkflow.class,
        RolloutWebUi.workflowOptions(OtaflowNames.rolloutWorkflowId(rolloutId), request));
    WorkflowClient.start(workflow::run, request, null);
    return workflow;
  }

  private WorkflowClient client() {
    return fleet.env().getWorkflowClient();
  }

  private WorkflowExecutionDescription describe(String workflowId) {
    return client().newUntypedWorkflowStub(workflowId).describe();
  }

  /** The workflow's search attributes by name, as the Web UI lists them. */
  private Map<String, Object> attributes(String workflowId) {
    Map<String, Object> byName = new TreeMap<>();
    describe(workflowId).getTypedSearchAttributes().getUntypedValues()
        .forEach((key, value) -> byName.put(key.getName(), value));
    return byName;
  }

  private Map<String, Object> awaitAttributes(String workflowId, Predicate<Map<String, Object>> condition)
      throws InterruptedException {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>();
    RolloutWorkflowTest.awaitCondition(() -> condition.test(last.updateAndGet(previous -> attributes(workflowId))),
        () -> workflowId + "'s search attributes never matched; last: " + last.get());
    return last.get();
  }

  private List<HistoryEvent> history(String workflowId) {
    return client().fetchHistory(workflowId).getEvents();
  }

  /** The search attributes each upsert of the workflow's (last run's) history set, in order. */
  private List<Map<String, String>> upserts(String workflowId) {
    return history(workflowId).stream().filter(HistoryEvent::hasUpsertWorkflowSearchAttributesEventAttributes)
        .map(event -> {
          Map<String, String> values = new TreeMap<>();
          event.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap()
              .forEach((name, value) -> values.put(name, text(value)));
          return values;
        })
        .toList();
  }

  private static String text(Payload payload) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, String.class, String.class);
  }

  @Test
  void rolloutAndRobotWorkflowsCarryTheirStatusAndStageFromStartToEnd() throws Exception {
    fleet = TestFleet.start(3, RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET, V1.version());
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("rest", null, 100, Duration.ZERO, 1.0, true));
    String rollout = OtaflowNames.rolloutWorkflowId("story");
    RolloutWorkflow workflow = start("story", plan);

    assertThat(attributes(rollout)).as("set at start")
        .containsEntry("OtaflowRolloutId", "story").containsEntry("OtaflowRelease", "2.0.0");
    assertThat(awaitAttributes(rollout, attributes -> "WAITING_APPROVAL".equals(attributes.get("OtaflowStatus"))))
        .containsEntry("OtaflowStage", "rest");
    String canary = fleet.registry().stage("story", 0).get(0);
    String canaryWorkflow = OtaflowNames.robotWorkflowId("story", canary);
    assertThat(attributes(canaryWorkflow)).isEqualTo(Map.of("OtaflowRolloutId", "story", "OtaflowRelease", "2.0.0",
        "OtaflowRobotId", canary, "OtaflowStage", "canary", "OtaflowStatus", "COMMITTED"));

    workflow.approve(new OperatorCommand("ana", "canary looks fine"));
    assertThat(WorkflowStub.fromTyped(workflow).getResult(RolloutProgress.class).status())
        .isEqualTo(RolloutStatus.SUCCEEDED);

    assertThat(attributes(rollout)).as("the last stage stays").containsEntry("OtaflowStatus", "SUCCEEDED")
        .containsEntry("OtaflowStage", "rest");
    // One upsert per change, and only of what changed.
    assertThat(upserts(rollout)).containsExactly(
        Map.of("OtaflowStatus", "RUNNING"),
        Map.of("OtaflowStage", "canary"),
        Map.of("OtaflowStage", "rest", "OtaflowStatus", "WAITING_APPROVAL"),
        Map.of("OtaflowStatus", "RUNNING"),
        Map.of("OtaflowStatus", "SUCCEEDED"));
    assertThat(upserts(canaryWorkflow)).extracting(values -> values.get("OtaflowStatus"))
        .containsExactly("HEALTH_CHECKING", "COMMITTED");

    WorkflowExecutionDescription described = describe(rollout);
    WorkflowExecutionDescription robot = describe(canaryWorkflow);
    assertThat(described.getStaticSummary()).isEqualTo("2.0.0 to the whole fleet: canary → rest");
    assertThat(described.getStaticDetails())
        .startsWith("Rollout `story`: release **2.0.0** (1000 bytes, sha256 `" + V2.sha256() + "`) to the whole fleet.")
        .contains("| canary | 1 | 0s | 100% | – | no |\n| rest | 100% | 0s | 100% | – | yes |\n")
        .endsWith("At most 5 robots at once; a step not picked up within 5m makes its robot OFFLINE; 1 health checks"
            + " over 0s; a robot not safe within 1h is DEFERRED; a failed stage: ROLLBACK_ALL.");
    assertThat(robot.getStaticSummary()).isEqualTo("2.0.0 to " + canary + " · rollout story · stage canary");
    assertThat(robot.getStaticDetails()).startsWith("Robot `" + canary + "` gets release **2.0.0** (rollout `story`,"
        + " stage `canary`): download, verify, wait for a safe state (up to 1h), apply, 1 health checks over 0s");
    assertThat(activitySummaries(canaryWorkflow)).containsExactly("download 2.0.0 to " + canary,
        "verify 2.0.0 on " + canary, "safe-state check for 2.0.0 on " + canary, "apply 2.0.0 on " + canary,
        "health check 2.0.0 on " + canary, "commit 2.0.0 on " + canary);
    RecordedHistories.recordIfAsked(client(), rollout, "rollout-web-ui.json");
    RecordedHistories.recordIfAsked(client(), canaryWorkflow, "robot-web-ui.json");
  }

  private List<String> activitySummaries(String workflowId) {
    return history(workflowId).stream().filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(event -> text(event.getUserMetadata().getSummary())).toList();
  }

  @Test
  void aLongSummaryIsCutToWholeCharactersWithinWhatTemporalKeeps() {
    RolloutPlan plan = interactive(IntStream.rangeClosed(1, 30)
        .mapToObj(i -> StagePlan.percent(String.format("étape-%02d", i), i, Duration.ZERO, 1.0))
        .toArray(StagePlan[]::new));

    String summary = RolloutWebUi.workflowOptions("rollout-long", new RolloutRequest("long", V2, plan,
        TargetSelector.wholeFleet(), null)).getStaticSummary();

    assertThat(summary.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(200);
    assertThat(summary).startsWith("2.0.0 to the whole fleet: étape-01 → étape-02 → ").endsWith("…")
        .doesNotContain("\uFFFD");
  }

  @Test
  void everyRunCarriesThePlanAsMemoAndTheSearchAttributesAfterContinueAsNew() throws IOException {
    fleet = TestFleet.start(30, 120, V1.version());
    RolloutPlan plan = interactive(StagePlan.canary("canary", 2, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0));
    RolloutWorkflow workflow = start("long", plan);
    assertThat(WorkflowStub.fromTyped(workflow).getResult(RolloutProgress.class).status())
        .isEqualTo(RolloutStatus.SUCCEEDED);

    String rollout = OtaflowNames.rolloutWorkflowId("long");
    assertThat(history(rollout).get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId())
        .as("the last run was continued from an earlier one").isNotEmpty();
    WorkflowExecutionDescription lastRun = describe(rollout);
    assertThat(lastRun.getMemo(RolloutWorkflowImpl.PLAN_MEMO, RolloutPlan.class)).isEqualTo(plan);
    assertThat(attributes(rollout)).isEqualTo(Map.of("OtaflowRolloutId", "long", "OtaflowRelease", "2.0.0",
        "OtaflowStage", "100%", "OtaflowStatus", "SUCCEEDED"));
    RecordedHistories.recordIfAsked(client(), rollout, "rollout-web-ui-continued-as-new.json");
  }

  @Test
  void aRobotSwitchedBackByItsRolloutShowsWhyAndHowItEnded() throws IOException {
    fleet = TestFleet.start(2, RolloutWorkflowImpl.DEFAULT_HISTORY_BUDGET, V1.version());
    RolloutPlan plan = interactive(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("rest", 100, Duration.ZERO, 1.0));
    List<List<String>> stages = StagePlanner.assign("heat", List.copyOf(fleet.robots().keySet()), plan);
    String canary = stages.get(0).get(0);
    String hot = stages.get(1).get(0);
    fleet.robots().get(hot).hot = true;

    RolloutWorkflow workflow = start("heat", plan);
    assertThat(WorkflowStub.fromTyped(workflow).getResult(RolloutProgress.class).status())
        .isEqualTo(RolloutStatus.ROLLED_BACK);

    assertThat(attributes(OtaflowNames.rolloutWorkflowId("heat"))).containsEntry("OtaflowStatus", "ROLLED_BACK");
    assertThat(attributes(OtaflowNames.robotWorkflowId("heat", hot))).as("rolled back by its own compensation")
        .containsEntry("OtaflowStatus", "ROLLED_BACK");
    String switchedBack = OtaflowNames.robotRollbackWorkflowId("heat", canary);
    assertThat(attributes(switchedBack)).as("no stage: the rollback phase").isEqualTo(Map.of("OtaflowRolloutId",
        "heat", "OtaflowRelease", "2.0.0", "OtaflowRobotId", canary, "OtaflowStatus", "ROLLED_BACK"));
    WorkflowExecutionDescription rollback = describe(switchedBack);
    assertThat(rollback.getStaticSummary()).isEqualTo("roll back " + canary + " from 2.0.0 · rollout heat");
    assertThat(rollback.getStaticDetails()).isEqualTo("Robot `" + canary + "` goes back from release **2.0.0** to"
        + " its previous one (rollout `heat`): rollout rolled back: stage 'rest' missed its threshold: 0/1 robots"
        + " healthy (0%) < 100%");
    assertThat(activitySummaries(switchedBack)).containsExactly("roll back 2.0.0 on " + canary);
    RecordedHistories.recordIfAsked(client(), switchedBack, "rollback-robot-web-ui.json");
  }
}
