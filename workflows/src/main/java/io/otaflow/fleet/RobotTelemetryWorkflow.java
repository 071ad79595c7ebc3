package io.otaflow.fleet;

import io.otaflow.domain.OtaflowNames;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
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

  /** Delivers one report as a signal-with-start: the robot's first report also starts its telemetry workflow. */
  static void send(WorkflowClient client, RobotTelemetry telemetry) {
    RobotTelemetryWorkflow workflow = client.newWorkflowStub(RobotTelemetryWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(OtaflowNames.robotTelemetryWorkflowId(telemetry.robotId()))
        .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
        .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::run, telemetry.robotId());
    request.add(workflow::report, telemetry);
    client.signalWithStart(request);
  }

  @WorkflowMethod
  void run(String robotId);

  @SignalMethod
  void report(RobotTelemetry telemetry);

  /** The newest report this run received, or null before the first. */
  @QueryMethod
  RobotTelemetry latest();
}
