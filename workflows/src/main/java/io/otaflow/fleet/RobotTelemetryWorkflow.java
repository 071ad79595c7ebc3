package io.otaflow.fleet;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One per robot ({@link io.otaflow.domain.OtaflowNames#robotTelemetryWorkflowId} on the control-plane task queue):
 * agents older than {@code POST /api/v1/telemetry} signal-with-start it on every report, and it records the newest
 * report in the fleet registry. Current agents never start it (a Temporal action per report cost about 1,700 actions
 * a second at 100,000 robots). It stays registered, unchanged, so that robots not yet upgraded keep reporting and the
 * runs they started keep replaying; once no agent sends to it, terminate its runs and remove it (README, Telemetry).
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
