package io.otaflow.robotupdate;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.WorkflowMetrics.RollbackCause;

/** A rollout's rollback of one robot: the one rollback path, then a report to the rollout. */
public class RobotRollbackWorkflowImpl implements RobotRollbackWorkflow {

  @Override
  public RobotUpdateResult rollBack(RobotUpdateRequest request, String reason) {
    RobotRollback rollback = new RobotRollback(request, RobotWebUi.forThisRun(request));
    RobotUpdateResult result = rollback.switchBack(reason, RobotUpdateState.ROLLED_BACK, RollbackCause.ROLLOUT);
    rollback.report(result);
    return result;
  }

  @Override
  public void ping() {
    // Delivery is the answer: a signal to a workflow that ended fails, which the rollout notices.
  }
}
