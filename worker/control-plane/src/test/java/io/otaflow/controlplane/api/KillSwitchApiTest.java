package io.otaflow.controlplane.api;

import static io.otaflow.controlplane.api.ControlPlaneUnderTest.PLAN;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.reason;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.RegistryReconciler;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.UserRole;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.wire.WireJson;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kill switch over the REST API, on a control plane of its own: the switch is fleet-wide and would stop other
 * tests' rollouts. Robots r1 and r2 run no agent, so rollouts wait for them long enough to be steered.
 */
class KillSwitchApiTest {

  private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmX")
      .withZone(ZoneOffset.UTC);

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  @BeforeAll
  static void registerRobots() {
    for (String robot : List.of("r1", "r2")) {
      api.bean(RobotRepository.class).registerRobot(robot, Map.of(), "1.0.0", null);
    }
  }

  @AfterEach
  void turnItOff() {
    api.bean(KillSwitchRepository.class).set(false, "cleanup", null);
  }

  @Test
  void whileOnNoRolloutStartsResumesOrHasAStageApprovedButAnAbortGoesThrough() throws Exception {
    String version = api.startRunning("before", "r1");

    Answer on = api.as("ana", UserRole.ADMIN).post("/api/v1/killswitch/on", reason("bad batch of motors"));
    assertThat(on.status()).isEqualTo(200);
    assertThat(on.body().get("on").asBoolean()).isTrue();
    assertThat(on.body().get("operator").asText()).isEqualTo("ana");
    assertThat(on.body().get("reason").asText()).isEqualTo("bad batch of motors");
    String switchedOn = "kill switch is on since " + MINUTES.format(Instant.parse(on.body().get("since").asText()))
        + " (ana: bad batch of motors): ";
    api.awaitStatus("before", "PAUSED");

    Answer start = api.post("/api/v1/rollouts", rollout("during", version, PLAN, "{\"robotIds\": [\"r2\"]}"));
    assertThat(start.status()).isEqualTo(409);
    assertThat(start.error()).isEqualTo(switchedOn + "no rollout may start; turn it off first");
    assertThat(api.get("/api/v1/rollouts/during").status()).as("nothing recorded").isEqualTo(404);
    Answer resume = api.as("bob").post("/api/v1/rollouts/before/resume", reason("looks fine"));
    assertThat(resume.status()).isEqualTo(409);
    assertThat(resume.error()).isEqualTo(switchedOn + "no rollout may resume; turn it off first");
    Answer approve = api.as("bob").post("/api/v1/rollouts/before/approve", reason("looks fine"));
    assertThat(approve.status()).isEqualTo(409);
    assertThat(approve.error()).isEqualTo(switchedOn + "no stage may be approved; turn it off first");
    assertThat(api.get("/api/v1/killswitch").body()).isEqualTo(on.body());
    assertThat(api.as("bob", UserRole.ADMIN).post("/api/v1/killswitch/on", reason("me too")).body()).as("still ana's").isEqualTo(on.body());

    Answer off = api.as("bob", UserRole.ADMIN).post("/api/v1/killswitch/off", reason("motors replaced"));
    assertThat(off.status()).isEqualTo(200);
    assertThat(off.body().get("on").asBoolean()).isFalse();
    assertThat(off.body().get("operator").asText()).isEqualTo("bob");
    assertThat(api.get("/api/v1/rollouts/before").body().get("status").asText()).as("until a person resumes it")
        .isEqualTo("PAUSED");
    assertThat(api.as("bob").post("/api/v1/rollouts/before/resume", reason("motors replaced")).body().get("status")
        .asText()).isEqualTo("RUNNING");
    assertThat(api.get("/api/v1/killswitch/history").body().findValuesAsText("operator"))
        .containsExactly("bob", "ana");

    assertThat(api.as("cy", UserRole.ADMIN).post("/api/v1/killswitch/on", reason("drill")).status()).isEqualTo(200);
    api.awaitStatus("before", "PAUSED");
    assertThat(api.as("cy").post("/api/v1/rollouts/before/abort", reason("drill")).status()).isEqualTo(200);
    assertThat(api.awaitEnd(OtaflowNames.rolloutWorkflowId("before")).status()).isEqualTo(RolloutStatus.ABORTED);
  }

  @Test
  void turningItOnNeedsAReasonAndNobodyNamesTheOperatorButTheirToken() throws Exception {
    Answer noReason = api.post("/api/v1/killswitch/on", "{}");
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.error()).isEqualTo("reason: is required");
    assertThat(noReason.body().get("field").asText()).isEqualTo("reason");
    Answer impostor = api.post("/api/v1/killswitch/on", "{\"operator\": \"ana\", \"reason\": \"drill\"}");
    assertThat(impostor.status()).isEqualTo(400);
    assertThat(impostor.error()).isEqualTo("operator: unknown field");
    assertThat(api.get("/api/v1/killswitch").body().get("on").asBoolean()).isFalse();

    assertThat(api.as("bob", UserRole.ADMIN).post("/api/v1/killswitch/off", "{}").status()).isEqualTo(200);
  }

  /**
   * The switch stored, and the control plane gone before it signalled anyone: the reconciler tells every unfinished
   * rollout, and passes over those whose workflow has closed or has not started.
   */
  @Test
  void theReconcilerTellsEveryUnfinishedRolloutAgainWhileTheSwitchIsOn() throws Exception {
    String version = api.startRunning("untold", "r2");
    api.startRunning("closed", "r1");
    api.bean(WorkflowClient.class).newUntypedWorkflowStub(OtaflowNames.rolloutWorkflowId("closed"))
        .terminate("by hand");
    RolloutRequest notStarted = new RolloutRequest("not-started", api.bean(RolloutService.class).release(version)
        .orElseThrow(), WireJson.mapper().readValue(PLAN, RolloutPlan.class), TargetSelector.wholeFleet(), null);
    api.bean(RolloutRepository.class).createRollout(notStarted, Set.of());

    api.bean(KillSwitchRepository.class).set(true, "ana", "bad batch of motors");
    assertThat(api.get("/api/v1/rollouts/untold").body().get("status").asText()).as("nobody told it yet")
        .isEqualTo("RUNNING");

    assertThat(api.bean(RegistryReconciler.class).reconcile()).as("the terminated one ended").isEqualTo(1);
    api.awaitStatus("untold", "PAUSED");
    assertThat(api.bean(RolloutRepository.class).rollout("not-started").orElseThrow().status())
        .isEqualTo(RolloutStatus.PENDING);

    api.bean(RolloutRepository.class).recordRolloutStatus("not-started", RolloutStatus.FAILED, null, "test over");
    api.abortAndWait("untold");
  }
}
