package io.otaflow.devstack.bench;

import io.otaflow.domain.OtaflowNames;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class BenchRobotWorkflowImpl implements BenchRobotWorkflow {

  @Override
  public void run(String robotId, int activities) {
    BenchRobotActivities robot = Workflow.newActivityStub(BenchRobotActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(OtaflowNames.robotTaskQueue(robotId))
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .build());
    for (int step = 0; step < activities; step++) {
      robot.benchStep(step);
    }
  }
}
