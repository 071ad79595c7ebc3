package io.otaflow.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robotupdate.RobotRollbackWorkflowImpl;
import io.otaflow.robotupdate.RobotUpdateRequest;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.robotupdate.RobotUpdateWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A robot put back in line (a kill switch held it before apply) reports before its workflow closes. When the rollout
 * starts it again in that instant, Temporal refuses the start: the workflow ID is still open. The rollout must start
 * it again once it closed, not take it for a leftover of a reset, ping it, and later switch back a robot that never
 * applied anything.
 */
class RobotRestartTest {

  private static final Map<String, Integer> updatesStarted = new ConcurrentHashMap<>();

  private TestWorkflowEnvironment env;

  /**
   * A robot workflow whose first run reports PENDING (as one the kill switch held does) and stays open a minute
   * longer, far longer than a real one's last workflow task; its next run commits.
   */
  public static class SlowToCloseRobotUpdate implements RobotUpdateWorkflow {

    @Override
    public RobotUpdateResult update(RobotUpdateRequest request) {
      int run = Workflow.sideEffect(Integer.class, () -> updatesStarted.merge(request.robotId(), 1, Integer::sum));
      boolean first = run == 1;
      RobotUpdateResult result = new RobotUpdateResult(request.robotId(),
          first ? RobotUpdateState.PENDING : RobotUpdateState.COMMITTED,
          first ? "stopped before apply at download: kill switch on" : null,
          first ? null : request.release().version());
      Workflow.newUntypedExternalWorkflowStub(Workflow.getInfo().getParentWorkflowId().orElseThrow())
          .signal("robotFinished", result);
      if (first) {
        Workflow.sleep(Duration.ofMinutes(1));
      }
      return result;
    }

    @Override
    public void abort(String reason) {
    }

    @Override
    public void stopBeforeApply(String reason) {
    }

    @Override
    public void ping() {
    }
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aRobotPutBackInLineStartsAgainOnceItsLastWorkflowClosed() throws Exception {
    env = OtaflowTestEnvironment.newInstance();
    InMemoryRegistry registry = new InMemoryRegistry(List.of("r01"));
    Worker control = env.newWorker(OtaflowNames.CONTROL_TASK_QUEUE);
    control.registerWorkflowImplementationTypes(RolloutWorkflowImpl.class, SlowToCloseRobotUpdate.class,
        RobotRollbackWorkflowImpl.class);
    control.registerActivitiesImplementations(registry);
    FakeRobot robot = new FakeRobot("r01", RolloutWorkflowTest.V1.version());
    env.newWorker(OtaflowNames.robotTaskQueue("r01")).registerActivitiesImplementations(robot);
    env.start();

    RolloutWorkflow rollout = env.getWorkflowClient().newWorkflowStub(RolloutWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(OtaflowNames.rolloutWorkflowId("again"))
            .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE).build());
    RolloutPlan plan = new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 1.0)), 5,
        Duration.ofSeconds(10), 1, Duration.ZERO);
    WorkflowClient.start(rollout::run, new RolloutRequest("again", RolloutWorkflowTest.V2, plan,
        TargetSelector.wholeFleet(), null), null);
    RolloutProgress result = WorkflowStub.fromTyped(rollout).getResult(RolloutProgress.class);

    assertThat(result.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.robotCounts()).containsEntry("COMMITTED", 1).doesNotContainKeys("ROLLED_BACK", "ROLLBACK_FAILED");
    assertThat(updatesStarted).containsEntry("r01", 2);
    assertThat(robot.rollbacks).as("rollbacks of a robot that never applied anything").isZero();
    RecordedHistories.recordIfAsked(env.getWorkflowClient(), OtaflowNames.rolloutWorkflowId("again"),
        "rollout-restart-once-closed.json");
  }
}
