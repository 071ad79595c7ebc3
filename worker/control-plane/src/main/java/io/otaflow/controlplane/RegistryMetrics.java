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
import io.otaflow.registry.RegistryCounts.FleetCounts;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.TimeToSafeState;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * otaflow's own metrics, read from the registry every {@code otaflow.metrics.refresh}: what a rollout, a robot or the
 * fleet did is there whatever process did it, survives a restart of the control plane, and is never counted twice by
 * a retried activity. Counters come from the append-only audit trail (read once, then only its new events), gauges from
 * grouped queries; every tag is a status, an outcome or a release version, never a robot or rollout ID.
 */
public class RegistryMetrics {

  private static final Logger log = LoggerFactory.getLogger(RegistryMetrics.class);
  /** The robot states an update ends in. */
  private static final List<RobotUpdateState> OUTCOMES = List.of(RobotUpdateState.COMMITTED,
      RobotUpdateState.ROLLED_BACK, RobotUpdateState.ROLLBACK_FAILED, RobotUpdateState.FAILED,
      RobotUpdateState.OFFLINE, RobotUpdateState.DEFERRED);
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
  private final AtomicLong stale = new AtomicLong();
  private final AtomicLong hot = new AtomicLong();
  private final AtomicLong batteryLow = new AtomicLong();
  private final MultiGauge robotsByVersion;
  private final Timer timeToSafeState;
  private long lastEventId;

  /** When a robot counts as stale, hot or low on battery. */
  public record FleetLimits(Duration staleAfter, double hotAboveC, double batteryLowBelowPercent) {
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
    Gauge.builder("otaflow.fleet.robots.stale", stale, AtomicLong::get)
        .description("Robots whose latest telemetry is older than " + limits.staleAfter() + ", or missing")
        .register(meters);
    Gauge.builder("otaflow.fleet.robots.hot", hot, AtomicLong::get)
        .description("Robots whose latest temperature is above " + limits.hotAboveC() + " C").register(meters);
    Gauge.builder("otaflow.fleet.robots.battery.low", batteryLow, AtomicLong::get)
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
      OUTCOMES.forEach(outcome -> tally.robotStates().getOrDefault(outcome.name(), Map.of())
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
      FleetCounts fleet = counts.fleet(limits.staleAfter(), limits.hotAboveC(), limits.batteryLowBelowPercent());
      stale.set(fleet.stale());
      hot.set(fleet.hot());
      batteryLow.set(fleet.batteryLow());
      robotsByVersion.register(fleet.robotsByVersion().entrySet().stream()
          .map(version -> MultiGauge.Row.of(Tags.of("version", version.getKey()), version.getValue()))
          .toList(), true);
    } catch (RuntimeException unread) {
      log.warn("metrics: cannot read the registry, keeping the last values: {}", unread.toString());
    }
  }
}
