package io.otaflow.fleet;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Registers the robot; retries while the database is unreachable, until the workflow's own timeout ends it. */
public class RobotRegistrationWorkflowImpl implements RobotRegistrationWorkflow {

  static final String OFFLINE_INSTALLS_CHANGE = "offline-installs";

  private final FleetActivities fleet = Workflow.newActivityStub(FleetActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setBackoffCoefficient(2.0)
              .setMaximumInterval(Duration.ofSeconds(10))
              .build())
          .build());

  @Override
  public void register(String robotId, Map<String, String> labels, String installedVersion, String agentVersion,
                       List<OfflineInstallReport> offlineInstalls) {
    fleet.registerRobot(robotId, labels, installedVersion, agentVersion);
    // Registrations recorded before offline installs existed carry none, and replay without this step.
    if (offlineInstalls != null && !offlineInstalls.isEmpty()
        && Workflow.getVersion(OFFLINE_INSTALLS_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
      fleet.recordOfflineInstalls(robotId, offlineInstalls);
    }
  }
}
