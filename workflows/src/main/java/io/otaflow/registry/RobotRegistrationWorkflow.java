package io.otaflow.registry;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.Map;

/**
 * A robot's agent joining the fleet: started by the agent on {@code otaflow-control} with workflow ID
 * {@link #workflowId(String)}, it records the robot in the fleet registry and ends.
 */
@WorkflowInterface
public interface RobotRegistrationWorkflow {

  static String workflowId(String robotId) {
    return "robot-registration-" + robotId;
  }

  @WorkflowMethod
  void register(String robotId, Map<String, String> labels, String installedVersion, String agentVersion);
}
