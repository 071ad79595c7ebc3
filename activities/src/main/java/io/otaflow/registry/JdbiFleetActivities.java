package io.otaflow.registry;

import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/** {@link FleetActivities} over the fleet registry; runs on the control-plane worker. */
public class JdbiFleetActivities implements FleetActivities {

  private final FleetRegistry registry;
  private final RobotTelemetryStore telemetry;

  public JdbiFleetActivities(FleetRegistry registry, RobotTelemetryStore telemetry) {
    this.registry = registry;
    this.telemetry = telemetry;
  }

  @Override
  public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                            String agentVersion) {
    registry.registerRobot(robotId, labels, installedVersion, agentVersion);
  }

  @Override
  public void recordTelemetry(RobotTelemetry report) {
    try {
      telemetry.record(report);
    } catch (UnknownRobotException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), JdbiRegistryActivities.UNKNOWN_ROBOT);
    }
  }
}
