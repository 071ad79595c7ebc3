package io.otaflow.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtaflowNamesTest {

  @Test
  void rolloutIdIsReadBackFromTheRolloutsWorkflowsAndTheirRobots() {
    assertThat(OtaflowNames.rolloutIdOf(OtaflowNames.rolloutWorkflowId("spring-1"))).contains("spring-1");
    assertThat(OtaflowNames.rolloutIdOf(OtaflowNames.robotWorkflowId("spring-1", "r7"))).contains("spring-1");
    assertThat(OtaflowNames.rolloutIdOf(OtaflowNames.rolloutRollbackWorkflowId("spring-1"))).contains("spring-1");
    assertThat(OtaflowNames.rolloutIdOf(OtaflowNames.robotRollbackWorkflowId("spring-1", "r7"))).contains("spring-1");
    assertThat(OtaflowNames.rolloutIdOf(OtaflowNames.robotRegistrationWorkflowId("r7"))).isEmpty();
    assertThat(OtaflowNames.rolloutIdOf(OtaflowNames.robotTelemetryWorkflowId("r7"))).isEmpty();
    assertThat(OtaflowNames.rolloutIdOf("rollout-")).isEmpty();
    assertThat(OtaflowNames.rolloutIdOf(null)).isEmpty();
  }
}
