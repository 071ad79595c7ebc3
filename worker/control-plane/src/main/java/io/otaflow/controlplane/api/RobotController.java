package io.otaflow.controlplane.api;

import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RobotQuery;
import io.otaflow.registry.RobotRecord;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RobotVersionHistory;
import io.otaflow.registry.RobotRolloutRecord;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.registry.TelemetryRepository;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The fleet as registered by the robots' agents. */
@ConditionalOnWebApplication
@RestController
class RobotController {

  /** A robot's latest rollouts shown with it. */
  private static final int LAST_ROLLOUTS = 10;

  private final RobotRepository robots;
  private final TelemetryRepository telemetry;
  private final RolloutRobotRepository rolloutRobots;
  private final RobotVersionHistory versions;

  RobotController(RobotRepository robots, TelemetryRepository telemetry, RolloutRobotRepository rolloutRobots,
                  RobotVersionHistory versions) {
    this.robots = robots;
    this.telemetry = telemetry;
    this.rolloutRobots = rolloutRobots;
    this.versions = versions;
  }

  /**
   * One page of robots ordered by ID, each with its latest telemetry (two queries a page, none per robot).
   *
   * @param labels  {@code name=value}, repeated: robots carrying all of them
   * @param version robots running this release
   * @param after   the previous page's {@code next}
   */
  @GetMapping("/api/v1/robots")
  Page<RobotView> robots(@RequestParam(name = "label", required = false) List<String> labels,
                         @RequestParam(required = false) String version,
                         @RequestParam(required = false) String after,
                         @RequestParam(required = false) String limit) {
    int pageSize = PageLimit.parse(limit);
    List<RobotRecord> rows = robots.robots(new RobotQuery(RobotQuery.labelFilter(labels), version, after, pageSize + 1));
    Map<String, RobotTelemetry> latest = telemetry.latest(
        rows.stream().limit(pageSize).map(RobotRecord::robotId).toList());
    return Page.of(rows, pageSize, robot -> RobotView.of(robot, latest.get(robot.robotId())), RobotView::robotId);
  }

  /**
   * The robot, its latest telemetry, its latest rollouts (newest first) and every change of its installed version
   * (rollouts' commits and rollbacks, offline installs; oldest first).
   */
  @GetMapping("/api/v1/robots/{id}")
  RobotDetailView robot(@PathVariable String id) {
    RobotRecord robot = robots.robot(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "unknown robot " + id));
    List<RobotRolloutRecord> rollouts = rolloutRobots.robotRollouts(id, LAST_ROLLOUTS);
    return new RobotDetailView(RobotView.of(robot, telemetry.latest(id).orElse(null)),
        rollouts.stream().map(RobotRolloutView::of).toList(), versions.of(id));
  }
}
