package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From the first failed health gate to the last robot confirmed back, read from a rollout's audit trail. */
class TimeToSafeStateTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void fromTheFirstGateThatFailedToTheLastRobotBack() {
    List<RolloutEventRecord> events = List.of(
        robot(1, "r1", "HEALTH_CHECKING", null, 0),
        robot(2, "r2", "HEALTH_CHECKING", null, 3),
        robot(3, "r1", "COMMITTED", null, 5),
        robot(4, "r2", "ROLLED_BACK", "health: temperature 93.0C > 80.0C", 9),
        robot(5, "r1", "ROLLED_BACK", "rollout rolled back: stage 'canary' missed its threshold", 21));

    assertThat(TimeToSafeState.of(events)).contains(Duration.ofSeconds(18));
    assertThat(TimeToSafeState.rolledBack(events)).extracting(RolloutEventRecord::robotId).containsExactly("r2", "r1");
  }

  @Test
  void noHealthGateFailedNoTimeToSafeState() {
    assertThat(TimeToSafeState.of(List.of(robot(1, "r1", "HEALTH_CHECKING", null, 0),
        robot(2, "r1", "ROLLED_BACK", "aborted by ana: wrong release", 4)))).isEmpty();
  }

  private static RolloutEventRecord robot(long id, String robotId, String state, String reason, int seconds) {
    return new RolloutEventRecord(id, "r", robotId, RolloutEventRecord.ROBOT_STATE, state, null, reason,
        T0.plusSeconds(seconds));
  }
}
