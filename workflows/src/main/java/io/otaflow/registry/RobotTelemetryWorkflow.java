package io.otaflow.registry;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per robot ({@code robot-telemetry-<robotId>} on {@code otaflow-control}): the robot's agent signals-with-start
 * it on every report, and it records the newest report in the fleet registry.
 */
@WorkflowInterface
public interface RobotTelemetryWorkflow {

  static String workflowId(String robotId) {
    return "robot-telemetry-" + robotId;
  }

  @WorkflowMethod
  void run(String robotId);

  @SignalMethod
  void report(RobotTelemetry telemetry);

  /** The newest report this run received, or null before the first. */
  @QueryMethod
  RobotTelemetry latest();
}
