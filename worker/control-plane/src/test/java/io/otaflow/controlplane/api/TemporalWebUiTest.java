package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutRepository;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout the control plane started, as the Temporal Web UI finds it: by its search attributes (which the control
 * plane registered on the test server at start), with its summary and details.
 */
class TemporalWebUiTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  private static WorkflowExecutionDescription describe(String workflowId) {
    return api.bean(WorkflowClient.class).newUntypedWorkflowStub(workflowId).describe();
  }

  private static Map<String, Object> attributes(WorkflowExecutionDescription workflow) {
    Map<String, Object> byName = new TreeMap<>();
    workflow.getTypedSearchAttributes().getUntypedValues().forEach((key, value) -> byName.put(key.getName(), value));
    return byName;
  }

  @Test
  void aRolloutStartedThroughTheControlPlaneCarriesItsSearchAttributesSummaryAndDetails() throws Exception {
    api.bean(RobotRepository.class).registerRobot("w1", Map.of("site", "lyon"), "1.0.0", null);
    String version = api.startRunning("found", "w1");
    String workflowId = OtaflowNames.rolloutWorkflowId("found");

    WorkflowExecutionDescription running = describe(workflowId);
    assertThat(attributes(running)).containsEntry("OtaflowRolloutId", "found")
        .containsEntry("OtaflowRelease", version);
    assertThat(running.getStaticSummary()).isEqualTo(version + " to robots w1: all");
    assertThat(running.getStaticDetails()).startsWith("Rollout `found`: release **" + version + "** (4096 bytes,"
        + " sha256 `" + ControlPlaneUnderTest.SHA + "`) to robots w1.");

    api.abortAndWait("found");
    String ended = api.bean(RolloutRepository.class).rollout("found").orElseThrow().status().name();
    assertThat(attributes(describe(workflowId))).as("what the registry says").containsEntry("OtaflowStatus", ended)
        .containsEntry("OtaflowStage", "all");
  }
}
