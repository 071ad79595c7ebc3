package io.otaflow.controlplane.api;

import io.otaflow.registry.RobotRecord;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.TelemetryRepository;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The fleet as registered by the robots' agents. */
@RestController
class RobotController {

  private final RobotRepository robots;
  private final TelemetryRepository telemetry;

  RobotController(RobotRepository robots, TelemetryRepository telemetry) {
    this.robots = robots;
    this.telemetry = telemetry;
  }

  /** Ordered by robot ID. One telemetry look-up per robot: fine for a listing, not for fleets of 100,000. */
  @GetMapping("/api/v1/robots")
  List<RobotView> robots() {
    return robots.robots().stream()
        .map(robot -> RobotView.of(robot, telemetry.latest(robot.robotId()).orElse(null)))
        .toList();
  }

  @GetMapping("/api/v1/robots/{id}")
  RobotView robot(@PathVariable String id) {
    RobotRecord robot = robots.robot(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "unknown robot " + id));
    return RobotView.of(robot, telemetry.latest(id).orElse(null));
  }
}
