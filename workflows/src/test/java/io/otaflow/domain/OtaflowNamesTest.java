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

  @Test
  void robotIdIsReadBackFromTheRobotsWorkflowsAndItsTaskQueue() {
    assertThat(OtaflowNames.robotIdOf(OtaflowNames.robotWorkflowId("spring-1", "r7"))).contains("r7");
    assertThat(OtaflowNames.robotIdOf(OtaflowNames.robotRollbackWorkflowId("spring-1", "r7"))).contains("r7");
    assertThat(OtaflowNames.robotIdOf(OtaflowNames.robotRegistrationWorkflowId("r7"))).contains("r7");
    assertThat(OtaflowNames.robotIdOf(OtaflowNames.robotTelemetryWorkflowId("r7"))).contains("r7");
    assertThat(OtaflowNames.robotIdOf(OtaflowNames.rolloutWorkflowId("spring-1"))).isEmpty();
    assertThat(OtaflowNames.robotIdOf(OtaflowNames.rolloutRollbackWorkflowId("spring-1"))).isEmpty();
    assertThat(OtaflowNames.robotIdOf("rollout-spring-1/robot-")).isEmpty();
    assertThat(OtaflowNames.robotIdOf("bench-floor")).isEmpty();
    assertThat(OtaflowNames.robotIdOf(null)).isEmpty();
    assertThat(OtaflowNames.robotIdOfTaskQueue(OtaflowNames.robotTaskQueue("r7"))).contains("r7");
    assertThat(OtaflowNames.robotIdOfTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)).isEmpty();
    assertThat(OtaflowNames.robotIdOfTaskQueue(null)).isEmpty();
  }
}
