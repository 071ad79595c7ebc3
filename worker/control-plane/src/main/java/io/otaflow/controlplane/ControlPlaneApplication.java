package io.otaflow.controlplane;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.fleet.RobotRegistrationWorkflowImpl;
import io.otaflow.fleet.RobotTelemetryWorkflowImpl;
import io.otaflow.robotupdate.RobotRollbackWorkflowImpl;
import io.otaflow.robotupdate.RobotUpdateWorkflowImpl;
import io.otaflow.rollout.RolloutWorkflowImpl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The control plane: the Temporal worker on {@link OtaflowNames#CONTROL_TASK_QUEUE} (rollout, robot-update,
 * registration workflows, the telemetry workflow of agents not upgraded yet; registry activities), the fleet registry,
 * {@link RolloutService} and the REST API (robots' telemetry included). Runs from its executable jar ({@code java -jar otaflow-control-plane-*-exec.jar}), or inside
 * {@code otaflow server} and the dev stack.
 */
@SpringBootApplication
public class ControlPlaneApplication {

  static final String ROLLOUT_REGISTRY_ACTIVITIES = "rolloutRegistryActivities";
  static final String ROBOT_STATE_ACTIVITIES = "robotStateActivities";
  static final String FLEET_ACTIVITIES = "fleetActivities";
  static final String ANALYSIS_ACTIVITIES = "analysisActivities";

  public static void main(String[] args) {
    application().run(args);
  }

  /**
   * Starts the control plane inside the calling process with {@code properties} overriding application.yml (passed
   * as command-line arguments: default properties would rank below it). Returns once the Temporal workers are
   * polling: they start on ApplicationReadyEvent, before run returns.
   */
  public static ConfigurableApplicationContext start(Map<String, String> properties) {
    String[] args = properties.entrySet().stream()
        .map(property -> "--" + property.getKey() + "=" + property.getValue())
        .toArray(String[]::new);
    return application().run(args);
  }

  private static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(ControlPlaneApplication.class).properties(controlWorker());
  }

  /**
   * The worker, declared for the Temporal Spring Boot starter from code rather than in application.yml, so that its
   * task queue comes from {@link OtaflowNames} and its workflow types are the classes themselves (the workflow
   * implementations carry no Spring annotations: their module depends on the Temporal SDK alone).
   */
  private static Map<String, Object> controlWorker() {
    String worker = "spring.temporal.workers[0].";
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put(worker + "task-queue", OtaflowNames.CONTROL_TASK_QUEUE);
    properties.put(worker + "name", OtaflowNames.CONTROL_TASK_QUEUE);
    // RobotTelemetryWorkflowImpl only for agents not upgraded yet: current agents post telemetry over HTTP.
    List<Class<?>> workflows = List.of(RolloutWorkflowImpl.class, RobotUpdateWorkflowImpl.class, RobotRollbackWorkflowImpl.class,
        RobotRegistrationWorkflowImpl.class, RobotTelemetryWorkflowImpl.class);
    for (int i = 0; i < workflows.size(); i++) {
      properties.put(worker + "workflow-classes[" + i + "]", workflows.get(i).getName());
    }
    List<String> activityBeans = List.of(ROLLOUT_REGISTRY_ACTIVITIES, ROBOT_STATE_ACTIVITIES, FLEET_ACTIVITIES,
        ANALYSIS_ACTIVITIES);
    for (int i = 0; i < activityBeans.size(); i++) {
      properties.put(worker + "activity-beans[" + i + "]", activityBeans.get(i));
    }
    return properties;
  }
}
