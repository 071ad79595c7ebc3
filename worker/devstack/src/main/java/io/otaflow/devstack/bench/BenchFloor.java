package io.otaflow.devstack.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor a rollout's throughput is measured against: a bare parent workflow fanning out one child per robot, each
 * running no-op activities on its robot's task queue (every simulated robot serves {@link BenchRobotActivities}), with
 * no registry, no stages and no health logic.
 */
public final class BenchFloor {

  public static final String WORKFLOW_ID = "bench-floor";
  private static final String TASK_QUEUE = "otaflow-bench";

  private BenchFloor() {
  }

  /** The workflow ID of the floor's child for {@code robotId}. */
  public static String childWorkflowId(String robotId) {
    return WORKFLOW_ID + "/" + robotId;
  }

  /** Runs the floor to its end and returns its wall time in seconds. */
  public static double run(WorkflowClient client, List<String> robotIds, int maxParallel, int activitiesPerRobot,
                           Duration timeout) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(TASK_QUEUE)
        .registerWorkflowImplementationTypes(BenchFloorWorkflowImpl.class, BenchRobotWorkflowImpl.class);
    factory.start();
    try {
      BenchFloorWorkflow floor = client.newWorkflowStub(BenchFloorWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId(WORKFLOW_ID)
          .setTaskQueue(TASK_QUEUE)
          .setWorkflowExecutionTimeout(timeout)
          .build());
      long started = System.nanoTime();
      floor.run(robotIds, maxParallel, activitiesPerRobot);
      return (System.nanoTime() - started) / 1e9;
    } finally {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
