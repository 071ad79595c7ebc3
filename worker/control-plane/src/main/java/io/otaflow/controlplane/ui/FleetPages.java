package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.RegistryMetrics.FleetLimits;
import io.otaflow.controlplane.api.ApiProblems;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RegistryCounts;
import io.otaflow.registry.RegistryCounts.FleetGroup;
import io.otaflow.registry.RobotQuery;
import io.otaflow.registry.RobotRecord;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RobotVersionHistory;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutQuery;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.registry.TelemetryRepository;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The fleet page (robots by installed version over the whole fleet, a page of robots with their readings, the
 * rollouts under way) and a page per robot (its readings, every installed-version change, its latest rollouts).
 */
@ConditionalOnWebApplication
@Controller
class FleetPages {

  /** Robots in one page of the fleet table. */
  static final int PAGE_SIZE = 100;
  private static final int LAST_ROLLOUTS = 10;
  private static final int ROLLOUTS_UNDER_WAY = 5;
  private static final Set<RolloutStatus> UNDER_WAY = Set.of(RolloutStatus.PENDING, RolloutStatus.RUNNING,
      RolloutStatus.PAUSED, RolloutStatus.WAITING_APPROVAL);
  private static final Map<String, String> FRESHNESS_CLASSES = Map.of("reporting", "ok", "stale", "stale");

  private final RobotRepository robots;
  private final TelemetryRepository telemetry;
  private final RegistryCounts counts;
  private final RobotVersionHistory versions;
  private final RolloutRobotRepository rolloutRobots;
  private final RolloutRepository rollouts;
  private final RolloutSummaries summaries;
  private final RolloutEventLog events;
  private final FleetLimits limits;
  private final Clock clock = Clock.systemUTC();

  FleetPages(RobotRepository robots, TelemetryRepository telemetry, RegistryCounts counts,
             RobotVersionHistory versions, RolloutRobotRepository rolloutRobots, RolloutRepository rollouts,
             RolloutSummaries summaries, RolloutEventLog events, FleetLimits limits) {
    this.robots = robots;
    this.telemetry = telemetry;
    this.counts = counts;
    this.versions = versions;
    this.rolloutRobots = rolloutRobots;
    this.rollouts = rollouts;
    this.summaries = summaries;
    this.events = events;
    this.limits = limits;
  }

  /** A version's bar: its robots as part of the whole fleet, reporting or stale. */
  public record VersionRow(String version, String href, long robots, long stale, long hot, long batteryLow,
                           Bar bar) {
  }

  @GetMapping({DashboardPaths.FLEET, DashboardPaths.FLEET + "/"})
  String fleet(@RequestParam(required = false) String label, @RequestParam(required = false) String version,
               @RequestParam(required = false) String after, Model model, HttpServletResponse response) {
    // Read first: a change made while the page's data is read reaches the page live.
    model.addAttribute("since", events.latestEventId());
    model.addAttribute("versions", versionRows());
    model.addAttribute("underWay", summaries.of(
        rollouts.rollouts(new RolloutQuery(UNDER_WAY, null, null, ROLLOUTS_UNDER_WAY))));
    model.addAttribute("label", label);
    model.addAttribute("version", version);
    List<RobotRecord> page;
    try {
      page = robots.robots(new RobotQuery(RobotQuery.labelFilter(labels(label)),
          StringUtils.hasText(version) ? version : null, StringUtils.hasText(after) ? after : null, PAGE_SIZE + 1));
    } catch (IllegalArgumentException e) {
      response.setStatus(HttpStatus.BAD_REQUEST.value());
      model.addAttribute("refusal", ApiProblems.of(e).getDetail());
      page = List.of();
    }
    List<RobotRecord> shown = page.stream().limit(PAGE_SIZE).toList();
    Map<String, RobotTelemetry> latest = telemetry.latest(shown.stream().map(RobotRecord::robotId).toList());
    Instant now = clock.instant();
    model.addAttribute("robots", shown.stream()
        .map(robot -> RobotRow.of(robot, latest.get(robot.robotId()), limits, now)).toList());
    model.addAttribute("next", page.size() > PAGE_SIZE ? shown.get(shown.size() - 1).robotId() : null);
    return "ui/fleet";
  }

  @GetMapping(DashboardPaths.FLEET + "/robots/{id}")
  String robot(@PathVariable String id, Model model) {
    RobotRecord robot = robots.robot(id)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "unknown robot " + id));
    RobotTelemetry latest = telemetry.latest(id).orElse(null);
    model.addAttribute("robot", RobotRow.of(robot, latest, limits, clock.instant()));
    model.addAttribute("telemetry", latest);
    model.addAttribute("reported", latest == null ? "" : Instant.ofEpochMilli(latest.sentAtEpochMillis()).toString());
    model.addAttribute("agentVersion", robot.agentVersion());
    List<RobotVersionHistory.Change> newestFirst = new ArrayList<>(versions.of(id));
    Collections.reverse(newestFirst);
    model.addAttribute("history", newestFirst);
    model.addAttribute("rollouts", rolloutRobots.robotRollouts(id, LAST_ROLLOUTS).stream()
        .map(RobotRolloutRow::of).toList());
    return "ui/robot";
  }

  /** One bar per installed version, most robots first, over the whole fleet. */
  List<VersionRow> versionRows() {
    Map<String, FleetGroup> byVersion = new LinkedHashMap<>();
    for (FleetGroup group : counts.fleet(limits.staleAfter(), limits.hotAboveC(), limits.batteryLowBelowPercent(),
        null)) {
      byVersion.put(group.version(), group);
    }
    long fleet = byVersion.values().stream().mapToLong(FleetGroup::robots).sum();
    return byVersion.values().stream()
        .sorted(Comparator.comparingLong(FleetGroup::robots).reversed().thenComparing(FleetGroup::version))
        .map(group -> {
          Map<String, Integer> parts = new LinkedHashMap<>();
          parts.put("reporting", (int) (group.robots() - group.stale()));
          parts.put("stale", (int) group.stale());
          return new VersionRow(group.version(), DashboardPaths.fleetRunning(group.version()), group.robots(),
              group.stale(), group.hot(), group.batteryLow(),
              Bar.of(group.version(), parts, (int) fleet, FRESHNESS_CLASSES));
        })
        .toList();
  }

  private static List<String> labels(String label) {
    return StringUtils.hasText(label) ? List.of(label.split("[,\\s]+")) : List.of();
  }
}
