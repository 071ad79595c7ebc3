package io.otaflow.controlplane;

import io.otaflow.plan.PlanValidator;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.FleetRegistry;
import io.otaflow.release.Release;
import io.otaflow.robot.RobotNames;
import io.otaflow.rollout.AbortCommand;
import io.otaflow.rollout.OperatorCommand;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.rollout.RolloutWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What a release manager can do: register releases, start rollouts and steer them while they run. */
public class RolloutService {

  private final FleetRegistry registry;
  private final WorkflowClient client;

  public RolloutService(FleetRegistry registry, WorkflowClient client) {
    this.registry = registry;
    this.client = client;
  }

  public Release registerRelease(Release release) {
    registry.registerRelease(release.validate());
    return release;
  }

  /**
   * Checks everything a person can get wrong before anything starts (plan, release, target), records the rollout
   * and starts its workflow.
   *
   * @throws io.otaflow.plan.InvalidPlanException         naming the plan field at fault
   * @throws UnknownReleaseException                      when the release was never registered
   * @throws io.otaflow.registry.UnknownRobotException    when the target names robots the registry does not know
   */
  public RolloutRequest startRollout(String rolloutId, String releaseVersion, RolloutPlan plan, TargetSelector target) {
    PlanValidator.validate(plan);
    Release release = registry.release(releaseVersion)
        .orElseThrow(() -> new UnknownReleaseException(releaseVersion));
    if (registry.matchingRobots(target).isEmpty()) {
      throw new IllegalArgumentException("target: no registered robot matches " + target);
    }
    RolloutRequest request = new RolloutRequest(rolloutId, release, plan, target);
    registry.createRollout(request);
    RolloutWorkflow workflow = client.newWorkflowStub(RolloutWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(RobotNames.rolloutWorkflowId(rolloutId))
        .setTaskQueue(RobotNames.CONTROL_TASK_QUEUE)
        .build());
    WorkflowClient.start(workflow::run, request, null);
    return request;
  }

  public RolloutProgress progress(String rolloutId) {
    return workflow(rolloutId).progress();
  }

  public RolloutProgress pause(String rolloutId, OperatorCommand command) {
    return workflow(rolloutId).pause(command);
  }

  public RolloutProgress resume(String rolloutId, OperatorCommand command) {
    return workflow(rolloutId).resume(command);
  }

  public RolloutProgress approve(String rolloutId, OperatorCommand command) {
    return workflow(rolloutId).approve(command);
  }

  public RolloutProgress abort(String rolloutId, AbortCommand command) {
    return workflow(rolloutId).abort(command);
  }

  /** Waits for the rollout to end and returns its final progress. */
  public RolloutProgress awaitResult(String rolloutId, Duration timeout) throws TimeoutException {
    WorkflowStub stub = client.newUntypedWorkflowStub(RobotNames.rolloutWorkflowId(rolloutId));
    return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RolloutProgress.class);
  }

  private RolloutWorkflow workflow(String rolloutId) {
    return client.newWorkflowStub(RolloutWorkflow.class, RobotNames.rolloutWorkflowId(rolloutId));
  }
}
