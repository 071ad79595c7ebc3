package io.otaflow.controlplane.api;

import static io.otaflow.controlplane.api.ControlPlaneUnderTest.reason;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.controlplane.RegistryReconciler;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.RobotLeases;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutEventRecord;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.rollout.OperatorCommand;
import io.otaflow.rollout.RolloutRequest;
import io.temporal.api.common.v1.Payloads;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rolling back a rollout after it ended, over the REST API. Robots r1 to r3 run no agent: what a rollout did to them
 * is written into the registry as its workflow would have, and the rollback's workflow waits for them while the tests
 * look at it.
 */
class RolloutRollbackApiTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  @BeforeAll
  static void registerRobots() {
    for (String robot : List.of("r1", "r2", "r3")) {
      api.bean(RobotRepository.class).registerRobot(robot, Map.of(), "1.0.0", null);
    }
  }

  @Test
  void aRolloutThatHasNotEndedIsAbortedInsteadAndAnUnknownOneIsNotFound() throws Exception {
    api.startRunning("live", "r1");

    Answer running = api.as("ana").post("/api/v1/rollouts/live/rollback", reason("motors"));
    assertThat(running.status()).isEqualTo(409);
    assertThat(running.error()).isEqualTo("cannot roll back: rollout live is RUNNING; abort it instead (abort rolls"
        + " back)");
    api.as("ana").post("/api/v1/rollouts/live/pause", reason("lunch"));
    assertThat(api.as("ana").post("/api/v1/rollouts/live/rollback", reason("motors")).error())
        .isEqualTo("cannot roll back: rollout live is PAUSED; abort it instead (abort rolls back)");
    Answer noReason = api.post("/api/v1/rollouts/live/rollback", "{}");
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.error()).isEqualTo("reason: is required");
    api.abortAndWait("live");

    Answer unknown = api.as("ana").post("/api/v1/rollouts/nope/rollback", reason("motors"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("rollout nope does not exist");
  }

  @Test
  void aRolloutWithNoRobotLeftOnItsReleaseHasNothingToRollBack() throws Exception {
    String version = api.endedUnreached("unreached", "r2");

    Answer nothing = api.as("ana").post("/api/v1/rollouts/unreached/rollback", reason("motors"));
    assertThat(nothing.status()).isEqualTo(409);
    assertThat(nothing.error()).isEqualTo("cannot roll back: rollout unreached has no robot left on release "
        + version + " to switch back (its robots were rolled back or never updated)");

    RolloutRobotRepository rows = api.bean(RolloutRobotRepository.class);
    rows.recordRobotState("unreached", "r2", RobotUpdateState.COMMITTED, null, version);
    rows.recordRobotState("a-later-one", "r2", RobotUpdateState.COMMITTED, null, "9.9.9");
    assertThat(api.as("ana").post("/api/v1/rollouts/unreached/rollback", reason("motors")).error())
        .isEqualTo("cannot roll back: rollout unreached has no robot left on release " + version + " to switch back"
            + " (1 of its robots moved on to another release since, the others were rolled back or never updated)");
    assertThat(api.bean(RolloutRepository.class).rollout("unreached").orElseThrow().status())
        .isEqualTo(RolloutStatus.FAILED);
  }

  /**
   * A rollout that ended ABORTED with rollback declined, r3 left on its release: refused while another rollout holds
   * r3; then ordered, which leases r3, records RUNNING and starts rollout-done/rollback with the rollout's own request.
   * Its progress is the rollback's; when that workflow is terminated by hand, the reconciler follows it.
   */
  @Test
  void aRollbackTakesTheRobotsLeftOnTheReleaseAndStartsItsWorkflowWithTheRolloutsRequest() throws Exception {
    String version = endedWithRobotOnItsRelease("done", "r3");
    api.startRunning("holder", "r3");

    Answer leased = api.as("ana").post("/api/v1/rollouts/done/rollback", reason("motors"));
    assertThat(leased.status()).isEqualTo(409);
    assertThat(leased.error()).isEqualTo("target: 1 of its 1 robots belong to another rollout (1 in running rollout"
        + " holder); a robot belongs to one running rollout at a time: wait for it to end or abort it");
    assertThat(api.bean(RolloutRepository.class).rollout("done").orElseThrow())
        .extracting(RolloutRecord::status, RolloutRecord::rollbackOrderedAt)
        .containsExactly(RolloutStatus.ABORTED, null);
    api.abortAndWait("holder");

    Answer ordered = api.as("ana").post("/api/v1/rollouts/done/rollback", reason("motors"));
    assertThat(ordered.status()).as(ordered.body().toString()).isEqualTo(202);
    assertThat(ordered.location()).isEqualTo("/api/v1/rollouts/done");
    String reason = "rolling back after it ended: ordered by ana: motors";
    assertThat(ordered.body()).isEqualTo(api.bean(ObjectMapper.class).readTree(
        "{\"rolloutId\": \"done\", \"releaseVersion\": \"" + version + "\", \"robots\": 1, \"movedOn\": 0,"
            + " \"reason\": \"" + reason + "\"}"));
    assertThat(api.bean(RobotLeases.class).leasedRobots("done")).containsExactly("r3");
    assertThat(api.bean(RolloutEventLog.class).events("done")).filteredOn(e -> reason.equals(e.reason()))
        .extracting(RolloutEventRecord::status).containsExactly("RUNNING");
    RolloutRequest started = api.bean(RolloutRepository.class).rolloutRequest("done").orElseThrow();
    assertThat(workflowInput(OtaflowNames.rolloutRollbackWorkflowId("done")))
        .isEqualTo(started.withRollbackOrder(new OperatorCommand("ana", "motors")));
    api.awaitStatus("done", "RUNNING");
    assertThat(api.as("bob").post("/api/v1/rollouts/done/rollback", reason("again")).error())
        .isEqualTo("cannot roll back: rollout done is rolling back already");
    assertThat(api.bean(RegistryReconciler.class).reconcile()).as("its rollback runs").isZero();
    assertThat(api.bean(RolloutRepository.class).rollout("done").orElseThrow().status())
        .isEqualTo(RolloutStatus.RUNNING);

    api.bean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutRollbackWorkflowId("done"))
        .terminate("by hand");
    assertThat(api.bean(RegistryReconciler.class).reconcile()).isEqualTo(1);
    assertThat(api.bean(RolloutRepository.class).rollout("done").orElseThrow().reason())
        .startsWith("workflow TERMINATED outside otaflow");
    assertThat(api.get("/api/v1/rollouts/done").body().get("status").asText()).isEqualTo("FAILED");
    assertThat(api.bean(RobotLeases.class).leasedRobots("done")).isEmpty();
  }

  @Test
  void aRollbackWhoseWorkflowCannotStartGivesItsRobotsBack() throws Exception {
    endedWithRobotOnItsRelease("blocked", "r1");
    // Its workflow ID is taken: by a workflow of no type anyone serves.
    WorkflowStub squatter = api.bean(WorkflowClient.class).newUntypedWorkflowStub("Squatter", WorkflowOptions
        .newBuilder().setWorkflowId(OtaflowNames.rolloutRollbackWorkflowId("blocked")).setTaskQueue("nobody").build());
    squatter.start();

    Answer refused = api.as("ana").post("/api/v1/rollouts/blocked/rollback", reason("motors"));
    assertThat(refused.status()).isEqualTo(500);
    RolloutRecord failed = api.bean(RolloutRepository.class).rollout("blocked").orElseThrow();
    assertThat(failed.status()).isEqualTo(RolloutStatus.FAILED);
    assertThat(failed.reason()).startsWith("workflow rollout-blocked/rollback not started: ");
    assertThat(api.bean(RobotLeases.class).leasedRobots("blocked")).isEmpty();
    squatter.terminate("test over");
  }

  /**
   * A rollout on {@code robot}, ended ABORTED with rollback declined, the robot still on its release.
   *
   * @return the release's version
   */
  private static String endedWithRobotOnItsRelease(String rolloutId, String robot) throws Exception {
    String version = api.startRunning(rolloutId, robot);
    assertThat(api.post("/api/v1/rollouts/" + rolloutId + "/abort", "{\"reason\": \"enough\","
        + " \"rollback\": false}").status()).isEqualTo(200);
    api.awaitEnd(OtaflowNames.rolloutWorkflowId(rolloutId));
    api.bean(RolloutRobotRepository.class).recordRobotState(rolloutId, robot, RobotUpdateState.COMMITTED, null,
        version);
    return version;
  }

  /** What a workflow was started with, read from its history. */
  private static RolloutRequest workflowInput(String workflowId) {
    WorkflowClient client = api.bean(WorkflowClient.class);
    Payloads input = client.fetchHistory(workflowId).getHistory().getEvents(0)
        .getWorkflowExecutionStartedEventAttributes().getInput();
    return client.getOptions().getDataConverter()
        .fromPayloads(0, Optional.of(input), RolloutRequest.class, RolloutRequest.class);
  }
}
