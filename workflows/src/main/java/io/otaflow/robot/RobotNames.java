package io.otaflow.robot;

/** The names every part of otaflow uses for workflows and task queues. */
public final class RobotNames {

  /** Control-plane task queue: rollout and robot workflows, registry activities. */
  public static final String CONTROL_TASK_QUEUE = "otaflow-control";

  private RobotNames() {
  }

  /** Each robot's agent polls its own queue, so work for a robot can only run on that robot. */
  public static String robotTaskQueue(String robotId) {
    return "robot-" + robotId;
  }

  public static String rolloutWorkflowId(String rolloutId) {
    return "rollout-" + rolloutId;
  }

  public static String robotWorkflowId(String rolloutId, String robotId) {
    return rolloutWorkflowId(rolloutId) + "/robot-" + robotId;
  }
}
