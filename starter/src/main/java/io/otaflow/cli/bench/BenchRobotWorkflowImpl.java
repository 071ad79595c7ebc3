package io.otaflow.cli.bench;

import io.otaflow.robot.RobotNames;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class BenchRobotWorkflowImpl implements BenchRobotWorkflow {

  @Override
  public void run(String robotId, int activities) {
    BenchRobotActivities robot = Workflow.newActivityStub(BenchRobotActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(RobotNames.robotTaskQueue(robotId))
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .build());
    for (int step = 0; step < activities; step++) {
      robot.benchStep(step);
    }
  }
}
