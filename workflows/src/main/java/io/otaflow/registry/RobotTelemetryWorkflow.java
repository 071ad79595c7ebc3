package io.otaflow.registry;

import io.otaflow.robot.RobotNames;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
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

  /** Delivers one report, starting the robot's telemetry workflow if it is not running. */
  static void send(WorkflowClient client, RobotTelemetry telemetry) {
    RobotTelemetryWorkflow workflow = client.newWorkflowStub(RobotTelemetryWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId(telemetry.robotId()))
        .setTaskQueue(RobotNames.CONTROL_TASK_QUEUE)
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
