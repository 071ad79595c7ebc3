package io.otaflow.devstack.bench;

import io.otaflow.analysis.AnalysisActivities;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.robotupdate.RobotRollbackWorkflow;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.robotupdate.RobotUpdateWorkflow;
import io.otaflow.rollout.RolloutRegistryActivities;
import io.otaflow.rollout.RolloutWorkflow;
import io.otaflow.rollout.RolloutWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The worker of the instant rollout benchmark, on the control plane's task queue: the real rollout workflow, with the
 * instant stand-ins registered under the robot workflows' types, and the control plane's registry activities they
 * record through. It must be the task queue's only worker ({@link io.otaflow.devstack.LocalStack#startWithoutControlWorker}):
 * a worker without these types on the same queue would take their tasks and fail them.
 */
public final class InstantRolloutWorker implements AutoCloseable {

  private final WorkerFactory factory;

  private InstantRolloutWorker(WorkerFactory factory) {
    this.factory = factory;
  }

  /**
   * What the worker hosts and how.
   *
   * @param historyBudget   the rollout's continue-as-new budget in history events; 0 for its default
   * @param failingStage    the stage whose robots fail, or {@link InstantRobotUpdateWorkflowImpl#NO_FAILING_STAGE}
   * @param previousVersion what a robot runs again once rolled back
   */
  public record Setup(int historyBudget, int failingStage, String previousVersion) {
  }

  /** The control plane's activities the workflows call, as local activities (or, analyses, as activities). */
  public record Activities(RolloutRegistryActivities rolloutRegistry, RobotStateActivities robotStates,
                           AnalysisActivities analysis) {
  }

  public static InstantRolloutWorker start(WorkflowClient client, Activities activities, Setup setup) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    // Temporal's test server never times out a sticky queue: as the control plane's worker on it (ControlPlaneConfig).
    Worker worker = factory.newWorker(OtaflowNames.CONTROL_TASK_QUEUE, WorkerOptions.newBuilder()
        .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
        .build());
    worker.registerWorkflowImplementationFactory(RolloutWorkflow.class, () -> setup.historyBudget() > 0
        ? new RolloutWorkflowImpl(setup.historyBudget()) : new RolloutWorkflowImpl());
    worker.registerWorkflowImplementationFactory(RobotUpdateWorkflow.class,
        () -> new InstantRobotUpdateWorkflowImpl(setup.failingStage()));
    worker.registerWorkflowImplementationFactory(RobotRollbackWorkflow.class,
        () -> new InstantRobotRollbackWorkflowImpl(setup.previousVersion()));
    worker.registerActivitiesImplementations(activities.rolloutRegistry(), activities.robotStates(),
        activities.analysis());
    factory.start();
    return new InstantRolloutWorker(factory);
  }

  @Override
  public void close() {
    factory.shutdownNow();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
