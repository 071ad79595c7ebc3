package io.otaflow.registry;

import java.util.Map;

/** {@link FleetActivities} over the fleet registry; runs on the control-plane worker. */
public class JdbiFleetActivities implements FleetActivities {

  private final FleetRegistry registry;

  public JdbiFleetActivities(FleetRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                            String agentVersion) {
    registry.registerRobot(robotId, labels, installedVersion, agentVersion);
  }
}
