package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.fleet.RobotTelemetry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

class TelemetryRepositoryTest {

  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  private RegistryFixtures.Repositories registry;
  private TelemetryRepository store;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    registry = RegistryFixtures.repositories(jdbi);
    store = new TelemetryRepository(jdbi, Clock.fixed(NOW, ZoneOffset.UTC));
    registry.robots().registerRobot("r1", Map.of("site", "lyon"), "0.9.0", null);
  }

  @OnEachDatabase
  void latestReportWinsAndRefreshesTheRobot() {
    store.record(new RobotTelemetry("r1", 80.0, 41.5, "0.9.0", 1_000));
    store.record(new RobotTelemetry("r1", 78.5, 43.0, "1.0.0", 2_000));

    assertThat(store.latest("r1")).contains(new RobotTelemetry("r1", 78.5, 43.0, "1.0.0", 2_000));
    RobotRecord robot = registry.robots().robot("r1").orElseThrow();
    assertThat(robot.installedVersion()).isEqualTo("1.0.0");
    assertThat(robot.lastSeenAt()).isEqualTo(NOW);
  }

  @OnEachDatabase
  void latestReportsOfAPageOfRobotsInOneQuery() {
    registry.robots().registerRobot("r2", Map.of(), "0.9.0", null);
    registry.robots().registerRobot("r3", Map.of(), "0.9.0", null);
    store.record(new RobotTelemetry("r1", 80.0, 41.5, "0.9.0", 1_000));
    store.record(new RobotTelemetry("r3", 60.0, 39.0, "0.9.0", 1_500));

    assertThat(store.latest(List.of("r1", "r2", "r3", "r404"))).isEqualTo(Map.of(
        "r1", new RobotTelemetry("r1", 80.0, 41.5, "0.9.0", 1_000),
        "r3", new RobotTelemetry("r3", 60.0, 39.0, "0.9.0", 1_500)));
    assertThat(store.latest(List.of())).isEmpty();
  }

  @OnEachDatabase
  void reportWithoutAVersionKeepsTheKnownOne() {
    store.record(new RobotTelemetry("r1", 80.0, 41.5, null, 1_000));

    assertThat(registry.robots().robot("r1").orElseThrow().installedVersion()).isEqualTo("0.9.0");
  }

  @OnEachDatabase
  void reportOfAnUnregisteredRobotIsRefused() {
    assertThatThrownBy(() -> store.record(new RobotTelemetry("r404", 80.0, 41.5, "1.0.0", 1_000)))
        .isInstanceOf(UnknownRobotException.class).hasMessage("unknown robot(s): r404");
    assertThat(store.latest("r404")).isEmpty();
  }
}
