package io.otaflow.devstack.bench;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One robot's share of the floor: {@code activities} no-op activities in sequence on the robot's task queue. */
@WorkflowInterface
public interface BenchRobotWorkflow {

  @WorkflowMethod
  void run(String robotId, int activities);
}
