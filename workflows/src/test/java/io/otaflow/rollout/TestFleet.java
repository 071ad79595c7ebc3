package io.otaflow.rollout;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.robotupdate.RobotRollbackWorkflowImpl;
import io.otaflow.robotupdate.RobotUpdateWorkflowImpl;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet on Temporal's test server: the control-plane worker (the rollout's workflows over an in-memory registry) and
 * one worker per robot, on its own task queue, serving a {@link FakeRobot} on {@code version}; stage analyses measure
 * {@link FakeAnalysis}.
 *
 * @param robots by ID, r01, r02, ...
 */
record TestFleet(TestWorkflowEnvironment env, InMemoryRegistry registry, Map<String, FakeRobot> robots,
                 FakeAnalysis analysis) {

  /** Started; the {@code offline} robots serve no worker. */
  static TestFleet start(int size, int historyBudget, String version, String... offline) {
    return start(TestEnvironmentOptions.newBuilder(), size, historyBudget, version, offline);
  }

  /** Started on a test server with {@code options} (worker interceptors, for one). */
  static TestFleet start(TestEnvironmentOptions.Builder options, int size, int historyBudget, String version,
                         String... offline) {
    TestWorkflowEnvironment env = OtaflowTestEnvironment.newInstance(options);
    Map<String, FakeRobot> robots = new LinkedHashMap<>();
    for (int i = 1; i <= size; i++) {
      String id = String.format("r%02d", i);
      robots.put(id, new FakeRobot(id, version));
    }
    InMemoryRegistry registry = new InMemoryRegistry(List.copyOf(robots.keySet()));
    Worker control = env.newWorker(OtaflowNames.CONTROL_TASK_QUEUE);
    control.registerWorkflowImplementationFactory(RolloutWorkflow.class, () -> new RolloutWorkflowImpl(historyBudget));
    control.registerWorkflowImplementationTypes(RobotUpdateWorkflowImpl.class, RobotRollbackWorkflowImpl.class);
    FakeAnalysis analysis = new FakeAnalysis();
    control.registerActivitiesImplementations(registry, analysis);
    robots.forEach((id, robot) -> {
      if (!List.of(offline).contains(id)) {
        env.newWorker(OtaflowNames.robotTaskQueue(id)).registerActivitiesImplementations(robot);
      }
    });
    env.start();
    return new TestFleet(env, registry, robots, analysis);
  }
}
