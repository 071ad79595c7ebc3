package io.otaflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.rollout.RolloutRegistryActivities;
import io.temporal.common.metadata.POJOActivityInterfaceMetadata;
import io.temporal.common.metadata.POJOActivityMethodMetadata;
import org.junit.jupiter.api.Test;

class RegistryOptionsTest {

  /** The SDK picks a method's options by activity type: a wrong key would leave assignStages on the shared ones. */
  @Test
  void stageAssignmentGetsItsOwnOptionsUnderItsActivityType() {
    String assignStages = POJOActivityInterfaceMetadata.newInstance(RolloutRegistryActivities.class)
        .getMethodsMetadata().stream().filter(method -> method.getMethod().getName().equals("assignStages"))
        .map(POJOActivityMethodMetadata::getActivityTypeName).findFirst().orElseThrow();

    assertThat(RegistryOptions.ROLLOUT_REGISTRY_METHODS).containsOnlyKeys(assignStages)
        .containsEntry(assignStages, RegistryOptions.ASSIGN_STAGES);
  }
}
