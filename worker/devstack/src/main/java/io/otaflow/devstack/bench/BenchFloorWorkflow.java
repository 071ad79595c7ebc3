package io.otaflow.devstack.bench;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The floor a rollout is measured against: the same fan-out of children and robot-queue activities, with no
 * registry, no stages and no health logic.
 */
@WorkflowInterface
public interface BenchFloorWorkflow {

  /** Runs one {@link BenchRobotWorkflow} per robot, at most {@code maxParallel} at a time. */
  @WorkflowMethod
  void run(List<String> robotIds, int maxParallel, int activitiesPerRobot);
}
