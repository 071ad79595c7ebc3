package io.otaflow.fleet;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per robot ({@link io.otaflow.domain.OtaflowNames#robotTelemetryWorkflowId} on the control-plane task queue): the
 * robot's agent signals-with-start it on every report, and it records the newest report in the fleet registry.
 */
@WorkflowInterface
public interface RobotTelemetryWorkflow {

  @WorkflowMethod
  void run(String robotId);

  @SignalMethod
  void report(RobotTelemetry telemetry);

  /** The newest report this run received, or null before the first. */
  @QueryMethod
  RobotTelemetry latest();
}
