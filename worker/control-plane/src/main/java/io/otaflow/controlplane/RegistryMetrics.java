package io.otaflow.controlplane;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.RegistryCounts;
import io.otaflow.registry.RegistryCounts.EventTally;
import io.otaflow.registry.RegistryCounts.FleetGroup;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.TimeToSafeState;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * otaflow's own metrics, read from the registry every {@code otaflow.metrics.refresh}: what a rollout, a robot or the
 * fleet did is there whatever process did it, survives a restart of the control plane, and is never counted twice by
 * a retried activity. Counters come from the append-only audit trail (read once, then only its new events), gauges from
 * grouped queries; every tag is a status, an outcome, a release version or a site (the value of the robot label
 * {@code otaflow.metrics.site-label}, when set), never a robot or rollout ID.
 */
public class RegistryMetrics {

  private static final Logger log = LoggerFactory.getLogger(RegistryMetrics.class);
  private static final List<RolloutStatus> ENDS = Arrays.stream(RolloutStatus.values())
      .filter(RolloutStatus::isFinal).toList();

  private final RegistryCounts counts;
  private final RolloutEventLog events;
  private final KillSwitchRepository killSwitch;
  private final FleetLimits limits;
  private final Map<RolloutStatus, AtomicLong> rollouts = new EnumMap<>(RolloutStatus.class);
  private final Map<RolloutStatus, AtomicLong> ended = new EnumMap<>(RolloutStatus.class);
  /** Robot updates ended, by outcome and stage: a stage's counters appear with its first robot. */
  private final Map<Tags, AtomicLong> finished = new HashMap<>();
  private final AtomicLong notRolledBack = new AtomicLong();
  private final AtomicLong stagesPastDeadline = new AtomicLong();
  private final MeterRegistry meters;
  private final AtomicLong killSwitchOn = new AtomicLong();
  private final MultiGauge robotsByVersion;
  private final MultiGauge stale;
  private final MultiGauge hot;
  private final MultiGauge batteryLow;
  private final Timer timeToSafeState;
  private long lastEventId;

  /**
   * When a robot counts as stale, hot or low on battery, and the robot label that splits the fleet gauges by site.
   *
   * @param siteLabel null: the fleet gauges are not split by site
   */
  public record FleetLimits(Duration staleAfter, double hotAboveC, double batteryLowBelowPercent, String siteLabel) {
  }

  public RegistryMetrics(RegistryCounts counts, RolloutEventLog events, KillSwitchRepository killSwitch,
                         FleetLimits limits, MeterRegistry meters) {
    this.counts = counts;
    this.events = events;
    this.killSwitch = killSwitch;
    this.limits = limits;
    this.meters = meters;
    for (RolloutStatus status : RolloutStatus.values()) {
      Gauge.builder("otaflow.rollouts", rollouts.computeIfAbsent(status, s -> new AtomicLong()), AtomicLong::get)
          .tag("status", status.name()).description("Rollouts in the registry, by status").register(meters);
    }
    ENDS.forEach(status -> FunctionCounter.builder("otaflow.rollouts.ended",
            ended.computeIfAbsent(status, s -> new AtomicLong()), AtomicLong::get)
        .tag("status", status.name()).description("Rollouts that ended, by final status").register(meters));
    FunctionCounter.builder("otaflow.robots.not.rolled.back", notRolledBack, AtomicLong::get)
        .description("Robots left on a release they could not be switched back from (ROLLBACK_FAILED)")
        .register(meters);
    Gauge.builder("otaflow.stages.past.deadline", stagesPastDeadline, AtomicLong::get)
        .description("Running rollouts whose stage has run longer than their plan's progressDeadline")
        .register(meters);
    Gauge.builder("otaflow.kill.switch.on", killSwitchOn, AtomicLong::get)
        .description("1 while the fleet-wide kill switch is on").register(meters);
    stale = MultiGauge.builder("otaflow.fleet.robots.stale")
        .description("Robots whose latest telemetry is older than " + limits.staleAfter() + ", or missing")
        .register(meters);
    hot = MultiGauge.builder("otaflow.fleet.robots.hot")
        .description("Robots whose latest temperature is above " + limits.hotAboveC() + " C").register(meters);
    batteryLow = MultiGauge.builder("otaflow.fleet.robots.battery.low")
        .description("Robots whose latest battery level is below " + limits.batteryLowBelowPercent() + " %")
        .register(meters);
    robotsByVersion = MultiGauge.builder("otaflow.fleet.robots")
        .description("Registered robots, by installed version").register(meters);
    timeToSafeState = Timer.builder("otaflow.time.to.safe.state")
        .description("From a rolled-back rollout's first failed health gate to its last robot confirmed back")
        .publishPercentileHistogram().serviceLevelObjectives(Duration.ofSeconds(10), Duration.ofMinutes(2))
        .register(meters);
  }

  private AtomicLong finished(RobotUpdateState outcome, String stage) {
    return finished.computeIfAbsent(Tags.of("outcome", outcome.name(), "stage", stage), tags -> {
      AtomicLong count = new AtomicLong();
      FunctionCounter.builder("otaflow.robot.updates.finished", count, AtomicLong::get).tags(tags)
          .description("Robot updates that ended, by outcome and stage (its position in the plan)").register(meters);
      return count;
    });
  }

  /**
   * Reads the registry again; a failed read keeps the last values and is logged, the next one catches up. The first
   * read, which tallies the whole audit trail, runs on the scheduler right after start, not in the start itself.
   */
  @Scheduled(initialDelay = 0, fixedDelayString = "${otaflow.metrics.refresh:PT15S}")
  public synchronized void refresh() {
    try {
      Map<String, Long> byStatus = counts.rolloutsByStatus();
      rollouts.forEach((status, count) -> count.set(byStatus.getOrDefault(status.name(), 0L)));
      EventTally tally = counts.eventsAfter(lastEventId, ENDS.stream().map(Enum::name).toList());
      ended.forEach((status, count) -> count.addAndGet(tally.rolloutStatuses().getOrDefault(status.name(), 0L)));
      RobotUpdateState.OUTCOMES.forEach(outcome -> tally.robotStates().getOrDefault(outcome.name(), Map.of())
          .forEach((stage, n) -> finished(outcome, stage).addAndGet(n)));
      notRolledBack.addAndGet(tally.robotsIn(RobotUpdateState.ROLLBACK_FAILED.name()));
      if (lastEventId > 0) {
        // Only rollouts that ended since the last read: at the first, the past is not a new observation.
        tally.rolloutsEnded().forEach(rolloutId -> TimeToSafeState.of(events.events(rolloutId))
            .ifPresent(timeToSafeState::record));
      }
      lastEventId = tally.lastEventId();
      stagesPastDeadline.set(counts.stagesPastDeadline());
      killSwitchOn.set(killSwitch.state().on() ? 1 : 0);
      List<FleetGroup> fleet = counts.fleet(limits.staleAfter(), limits.hotAboveC(),
          limits.batteryLowBelowPercent(), limits.siteLabel());
      robotsByVersion.register(fleet.stream()
          .map(group -> MultiGauge.Row.of(siteTags(group).and("version", group.version()), group.robots()))
          .toList(), true);
      stale.register(bySite(fleet, FleetGroup::stale), true);
      hot.register(bySite(fleet, FleetGroup::hot), true);
      batteryLow.register(bySite(fleet, FleetGroup::batteryLow), true);
    } catch (RuntimeException unread) {
      log.warn("metrics: cannot read the registry, keeping the last values: {}", unread.toString());
    }
  }

  /** No tag without a site label: the series are then the fleet's totals, as before sites. */
  private static Tags siteTags(FleetGroup group) {
    return group.site() == null ? Tags.empty() : Tags.of("site", group.site());
  }

  /**
   * One row per site, a site with none of them at 0; without a site label one untagged row, 0 for an empty fleet (a
   * meter's tag keys never change: Prometheus requires it).
   */
  private List<MultiGauge.Row<?>> bySite(List<FleetGroup> fleet, ToLongFunction<FleetGroup> count) {
    Map<Tags, Long> sums = new LinkedHashMap<>();
    if (limits.siteLabel() == null) {
      sums.put(Tags.empty(), 0L);
    }
    fleet.forEach(group -> sums.merge(siteTags(group), count.applyAsLong(group), Long::sum));
    return sums.entrySet().stream()
        .<MultiGauge.Row<?>>map(site -> MultiGauge.Row.of(site.getKey(), site.getValue())).toList();
  }
}
