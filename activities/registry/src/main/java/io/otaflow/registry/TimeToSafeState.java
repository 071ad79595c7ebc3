package io.otaflow.registry;

import io.otaflow.domain.RobotUpdateState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How long a rollout's fleet was in danger, read from its audit trail: from the first failed health gate (the
 * HEALTH_CHECKING of a robot that then rolled back on health) to the last robot confirmed back on its previous
 * release (ROLLED_BACK).
 */
public final class TimeToSafeState {

  private TimeToSafeState() {
  }

  /** @return empty when no robot rolled back after failing its health gate */
  public static Optional<Duration> of(List<RolloutEventRecord> events) {
    List<RolloutEventRecord> rolledBack = rolledBack(events);
    Set<String> failedHealth = rolledBack.stream()
        .filter(event -> event.reason() != null && event.reason().startsWith("health:"))
        .map(RolloutEventRecord::robotId).collect(Collectors.toSet());
    Optional<Instant> firstFailedGate = events.stream()
        .filter(event -> RobotUpdateState.HEALTH_CHECKING.name().equals(event.status())
            && failedHealth.contains(event.robotId()))
        .map(RolloutEventRecord::at).min(Instant::compareTo);
    Optional<Instant> lastBack = rolledBack.stream().map(RolloutEventRecord::at).max(Instant::compareTo);
    return firstFailedGate.flatMap(first -> lastBack.map(last -> Duration.between(first, last)));
  }

  /** The robots confirmed back on their previous release. */
  public static List<RolloutEventRecord> rolledBack(List<RolloutEventRecord> events) {
    return events.stream().filter(event -> RobotUpdateState.ROLLED_BACK.name().equals(event.status())).toList();
  }
}
