package io.otaflow.fleet;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.Map;

/**
 * A robot's agent joining the fleet: started by the agent on the control-plane task queue with workflow ID
 * {@link io.otaflow.domain.OtaflowNames#robotRegistrationWorkflowId}, it records the robot in the fleet registry and
 * ends.
 */
@WorkflowInterface
public interface RobotRegistrationWorkflow {

  /**
   * @param offlineInstalls releases installed from bundles since the robot last registered (null from agents that
   *                        predate bundles): recorded in the audit trail and the robot's version history
   */
  @WorkflowMethod
  void register(String robotId, Map<String, String> labels, String installedVersion, String agentVersion,
                List<OfflineInstallReport> offlineInstalls);
}
