package io.otaflow.controlplane.api;

import static io.otaflow.controlplane.api.ControlPlaneUnderTest.PLAN;
import static io.otaflow.controlplane.api.ControlPlaneUnderTest.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.TemporalTestServer;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.RobotRepository;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kill switch outlives the control plane: it is in the registry, and the reconciler signals it again at start. */
class KillSwitchRestartTest {

  @TempDir
  Path dataDir;

  @Test
  void aSwitchStoredBeforeTheControlPlaneStoppedIsOnAfterItsRestartAndStopsTheRolloutItHadNotTold() throws Exception {
    Path registry = dataDir.resolve("control");
    try (TemporalTestServer temporal = TemporalTestServer.start()) {
      try (ControlPlaneUnderTest before = ControlPlaneUnderTest.start(temporal.target(), registry, Map.of())) {
        before.bean(RobotRepository.class).registerRobot("r1", Map.of(), "1.0.0", null);
        String version = before.registeredRelease();
        assertThat(before.post("/api/v1/rollouts", rollout("running", version, PLAN, "{}")).status()).isEqualTo(201);
        before.awaitStatus("running", "RUNNING");
        // Stored; the control plane stops before it signals anyone.
        before.bean(KillSwitchRepository.class).set(true, "ana", "bad batch of motors");
      }

      try (ControlPlaneUnderTest after = ControlPlaneUnderTest.start(temporal.target(), registry,
          Map.of("otaflow.reconcile.initial-delay", "PT0S"))) {
        Answer state = after.get("/api/v1/killswitch");
        assertThat(state.body().get("on").asBoolean()).isTrue();
        assertThat(state.body().get("operator").asText()).isEqualTo("ana");
        assertThat(state.body().get("reason").asText()).isEqualTo("bad batch of motors");
        after.awaitStatus("running", "PAUSED");
        Answer start = after.post("/api/v1/rollouts", rollout("next", after.registeredRelease(), PLAN, "{}"));
        assertThat(start.status()).isEqualTo(409);
        assertThat(start.error()).startsWith("kill switch is on since ").endsWith(" (ana: bad batch of motors): no"
            + " rollout may start; turn it off first");
      }
    }
  }
}
