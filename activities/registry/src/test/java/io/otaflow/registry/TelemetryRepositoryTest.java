package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.fleet.RobotTelemetry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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

  /**
   * The robot's installed version is not the report's: a sample taken before a rollout's switch and sent after it
   * would undo what the rollout recorded (its rollback would then pass the robot over).
   */
  @OnEachDatabase
  void latestReportWinsAndRefreshesWhenTheRobotWasSeenNotWhatItRuns() {
    store.recordAll(List.of(report("r1", 80.0, "0.9.0", 1_000)));
    store.recordAll(List.of(new RobotTelemetry("r1", 78.5, 43.0, "1.0.0", 2_000, "apply", "0.5.0")));

    assertThat(store.latest("r1")).contains(new RobotTelemetry("r1", 78.5, 43.0, "1.0.0", 2_000, "apply", "0.5.0"));
    RobotRecord robot = registry.robots().robot("r1").orElseThrow();
    assertThat(robot.installedVersion()).isEqualTo("0.9.0");
    assertThat(robot.lastSeenAt()).isEqualTo(NOW);
  }

  @OnEachDatabase
  void aFlushOfManyRobotsInsertsAndUpdatesInOneCall() {
    List<RobotTelemetry> reports = new ArrayList<>();
    // More robots than one statement takes, half of them reporting before.
    int robots = TelemetryRepository.ROWS_PER_STATEMENT + 20;
    for (int i = 0; i < robots; i++) {
      registry.robots().registerRobot("many-" + i, Map.of(), "0.9.0", null);
      if (i % 2 == 0) {
        store.recordAll(List.of(report("many-" + i, 10.0, "0.9.0", 1_000)));
      }
      reports.add(report("many-" + i, 50.0 + i % 50, "1.0.0", 2_000));
    }

    assertThat(store.recordAll(reports)).isEmpty();

    for (int i : List.of(0, 1, TelemetryRepository.ROWS_PER_STATEMENT, robots - 1)) {
      assertThat(store.latest("many-" + i)).contains(report("many-" + i, 50.0 + i % 50, "1.0.0", 2_000));
      assertThat(registry.robots().robot("many-" + i).orElseThrow().lastSeenAt()).isEqualTo(NOW);
    }
  }

  @OnEachDatabase
  void latestReportsOfAPageOfRobotsInOneQuery() {
    registry.robots().registerRobot("r2", Map.of(), "0.9.0", null);
    registry.robots().registerRobot("r3", Map.of(), "0.9.0", null);
    store.recordAll(List.of(report("r1", 80.0, "0.9.0", 1_000), report("r3", 60.0, "0.9.0", 1_500)));

    assertThat(store.latest(List.of("r1", "r2", "r3", "r404"))).isEqualTo(Map.of(
        "r1", report("r1", 80.0, "0.9.0", 1_000),
        "r3", report("r3", 60.0, "0.9.0", 1_500)));
    assertThat(store.latest(List.of())).isEmpty();
  }

  @OnEachDatabase
  void reportWithoutAVersionKeepsTheKnownOne() {
    store.recordAll(List.of(report("r1", 80.0, null, 1_000)));

    assertThat(registry.robots().robot("r1").orElseThrow().installedVersion()).isEqualTo("0.9.0");
  }

  @OnEachDatabase
  void reportsOfUnregisteredRobotsAreNamedAndNotStoredWhileTheOthersAre() {
    assertThat(store.recordAll(List.of(report("r404", 80.0, "1.0.0", 1_000), report("r1", 70.0, "1.0.0", 1_000))))
        .containsExactly("r404");

    assertThat(store.latest("r404")).isEmpty();
    assertThat(registry.robots().robot("r404")).isEmpty();
    assertThat(store.latest("r1")).contains(report("r1", 70.0, "1.0.0", 1_000));
  }

  private static RobotTelemetry report(String robotId, double battery, String version, long sentAt) {
    return new RobotTelemetry(robotId, battery, 41.5, version, sentAt, null, null);
  }
}
