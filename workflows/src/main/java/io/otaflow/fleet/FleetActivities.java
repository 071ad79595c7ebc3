package io.otaflow.fleet;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;
import java.util.Map;

/**
 * Control plane: fleet membership. Runs on {@code otaflow-control}; robots reach it through
 * {@link RobotRegistrationWorkflow}, since an activity can only be called from a workflow. Idempotent: registering a
 * robot again refreshes its labels, versions and last-seen time.
 */
@ActivityInterface
public interface FleetActivities {

  /**
   * Adds the robot to the fleet registry, or refreshes it.
   *
   * @param installedVersion the release on the robot's disk, null when it has none yet
   * @param agentVersion     the otaflow agent the robot runs
   */
  @ActivityMethod
  void registerRobot(String robotId, Map<String, String> labels, String installedVersion, String agentVersion);

  /**
   * Records releases the robot installed from bundles: each in the audit trail, and each that changed its installed
   * version in its version history. Idempotent: an install recorded before is not recorded again.
   */
  @ActivityMethod
  void recordOfflineInstalls(String robotId, List<OfflineInstallReport> installs);

  /** Stores the robot's latest battery, temperature and installed version, and marks it seen. */
  @ActivityMethod
  void recordTelemetry(RobotTelemetry telemetry);
}
