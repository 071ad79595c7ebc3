package io.otaflow.controlplane.api;

import io.otaflow.registry.FleetRegistry;
import io.otaflow.registry.RobotTelemetryStore;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The fleet as registered by the robots' agents. */
@RestController
class RobotController {

  private final FleetRegistry registry;
  private final RobotTelemetryStore telemetry;

  RobotController(FleetRegistry registry, RobotTelemetryStore telemetry) {
    this.registry = registry;
    this.telemetry = telemetry;
  }

  /** Ordered by robot ID. One telemetry look-up per robot: fine for a listing, not for fleets of 100,000. */
  @GetMapping("/api/robots")
  List<RobotView> robots() {
    return registry.robots().stream()
        .map(robot -> RobotView.of(robot, telemetry.latest(robot.robotId()).orElse(null)))
        .toList();
  }
}
