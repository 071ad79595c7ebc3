package io.otaflow.devstack.bench;

import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

public class BenchFloorWorkflowImpl implements BenchFloorWorkflow {

  @Override
  public void run(List<String> robotIds, int maxParallel, int activitiesPerRobot) {
    String parentId = Workflow.getInfo().getWorkflowId();
    List<Promise<Void>> running = new ArrayList<>();
    for (String robotId : robotIds) {
      if (running.size() >= maxParallel) {
        Promise.anyOf(running).get();
        running.removeIf(Promise::isCompleted);
      }
      BenchRobotWorkflow child = Workflow.newChildWorkflowStub(BenchRobotWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(parentId + "/" + robotId).build());
      running.add(Async.procedure(child::run, robotId, activitiesPerRobot));
    }
    Promise.allOf(running).get();
  }
}
