package io.otaflow.registry;

import io.otaflow.domain.RegistryOptions;
import io.otaflow.fleet.FleetActivities;
import io.otaflow.fleet.OfflineInstallReport;
import io.otaflow.fleet.RobotTelemetry;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link FleetActivities} over the fleet registry; runs on the control-plane worker. */
public class JdbiFleetActivities implements FleetActivities {

  private final RobotRepository robots;
  private final TelemetryRepository telemetry;
  private final RobotVersionHistory versions;

  public JdbiFleetActivities(RobotRepository robots, TelemetryRepository telemetry, RobotVersionHistory versions) {
    this.robots = robots;
    this.telemetry = telemetry;
    this.versions = versions;
  }

  @Override
  public void recordOfflineInstalls(String robotId, List<OfflineInstallReport> installs) {
    versions.recordOfflineInstalls(robotId, installs);
  }

  @Override
  public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                            String agentVersion) {
    robots.registerRobot(robotId, labels, installedVersion, agentVersion);
  }

  @Override
  public void recordTelemetry(RobotTelemetry report) {
    Set<String> unknown = telemetry.recordAll(List.of(report));
    if (!unknown.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(new UnknownRobotException(List.copyOf(unknown)).getMessage(),
          RegistryOptions.UNKNOWN_ROBOT);
    }
  }
}
