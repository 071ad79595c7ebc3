package io.otaflow.domain;

import java.util.Optional;

/**
 * The one place that names otaflow's task queues and workflow IDs (its search attributes: {@link
 * OtaflowSearchAttributes}); the control plane's worker, the agents, the workflows and the tools all take their names
 * from here.
 */
public final class OtaflowNames {

  /** Control-plane task queue: rollout, robot-update, registration and telemetry workflows; registry activities. */
  public static final String CONTROL_TASK_QUEUE = "otaflow-control";
  private static final String ROLLBACK = "/rollback";
  private static final String ROBOT_IN_ROLLOUT = "/robot-";

  private OtaflowNames() {
  }

  /** Each robot's agent polls its own queue, so work for a robot can only run on that robot. */
  public static String robotTaskQueue(String robotId) {
    return "robot-" + robotId;
  }

  public static String rolloutWorkflowId(String rolloutId) {
    return "rollout-" + rolloutId;
  }

  public static String robotWorkflowId(String rolloutId, String robotId) {
    return rolloutWorkflowId(rolloutId) + ROBOT_IN_ROLLOUT + robotId;
  }

  /** The workflow that rolls back a rollout after it ended (a person's order), beside the rollout's own. */
  public static String rolloutRollbackWorkflowId(String rolloutId) {
    return rolloutWorkflowId(rolloutId) + ROLLBACK;
  }

  /** One robot's rollback, whether its rollout rolls back while running or after it ended. */
  public static String robotRollbackWorkflowId(String rolloutId, String robotId) {
    return rolloutRollbackWorkflowId(rolloutId) + ROBOT_IN_ROLLOUT + robotId;
  }

  /**
   * The rollout a workflow belongs to, read back from its ID: the rollout's own workflow, its rollback, or one of
   * their robot workflows; empty for any other workflow. Robots use it to tell which rollout a step comes from.
   */
  public static Optional<String> rolloutIdOf(String workflowId) {
    String prefix = rolloutWorkflowId("");
    if (workflowId == null || !workflowId.startsWith(prefix) || workflowId.length() == prefix.length()) {
      return Optional.empty();
    }
    int robot = workflowId.lastIndexOf(ROBOT_IN_ROLLOUT);
    String rollout = workflowId.substring(prefix.length(), robot > prefix.length() ? robot : workflowId.length());
    return Optional.of(rollout.endsWith(ROLLBACK) && rollout.length() > ROLLBACK.length()
        ? rollout.substring(0, rollout.length() - ROLLBACK.length()) : rollout);
  }

  /**
   * The robot a workflow works on, read back from its ID: a robot's update or rollback within a rollout, its
   * registration or its telemetry; empty for a rollout's own workflows and any other. Logs carry it.
   */
  public static Optional<String> robotIdOf(String workflowId) {
    if (workflowId == null) {
      return Optional.empty();
    }
    if (rolloutIdOf(workflowId).isPresent()) {
      int robot = workflowId.lastIndexOf(ROBOT_IN_ROLLOUT);
      return robot < 0 ? Optional.empty() : nonEmpty(workflowId.substring(robot + ROBOT_IN_ROLLOUT.length()));
    }
    for (String prefix : new String[] {robotRegistrationWorkflowId(""), robotTelemetryWorkflowId("")}) {
      if (workflowId.startsWith(prefix)) {
        return nonEmpty(workflowId.substring(prefix.length()));
      }
    }
    return Optional.empty();
  }

  /** The robot whose agent polls {@code taskQueue}; empty for any other queue. */
  public static Optional<String> robotIdOfTaskQueue(String taskQueue) {
    String prefix = robotTaskQueue("");
    return taskQueue != null && taskQueue.startsWith(prefix)
        ? nonEmpty(taskQueue.substring(prefix.length())) : Optional.empty();
  }

  private static Optional<String> nonEmpty(String id) {
    return id.isEmpty() ? Optional.empty() : Optional.of(id);
  }

  /** The robot's latest registration: a new one (an agent restart) replaces it. */
  public static String robotRegistrationWorkflowId(String robotId) {
    return "robot-registration-" + robotId;
  }

  /** The robot's long-lived telemetry workflow, signalled-with-start on every report. */
  public static String robotTelemetryWorkflowId(String robotId) {
    return "robot-telemetry-" + robotId;
  }
}
