package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.pages;
import static io.otaflow.registry.RegistryFixtures.robotId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.plan.TargetSelector;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The fleet as lists: robots filtered by labels and installed version in SQL, one keyset page per query.
 */
class RobotListsTest {


  private static List<String> ids(RobotRepository robots, Map<String, String> labels, String version) {
    return robots.robots(new RobotQuery(labels, version, null, 100)).stream().map(RobotRecord::robotId).toList();
  }

  @OnEachDatabase
  void listsTheRobotsCarryingEveryWantedLabel(Jdbi jdbi) {
    RobotRepository robots = RegistryFixtures.repositories(jdbi).robots();
    robots.registerRobot("r1", Map.of("site", "berlin", "model", "mk2"), "1.0.0", null);
    robots.registerRobot("r2", Map.of("site", "berlin", "model", "mk1"), "1.0.0", null);
    robots.registerRobot("r3", Map.of("site", "oslo", "model", "mk2"), "1.0.0", null);
    robots.registerRobot("r4", Map.of(), "1.0.0", null);

    assertThat(ids(robots, Map.of(), null)).containsExactly("r1", "r2", "r3", "r4");
    assertThat(ids(robots, Map.of("site", "berlin"), null)).containsExactly("r1", "r2");
    assertThat(ids(robots, Map.of("site", "berlin", "model", "mk2"), null)).containsExactly("r1");
    assertThat(ids(robots, Map.of("model", "mk2"), null)).containsExactly("r1", "r3");
    assertThat(ids(robots, Map.of("site", "rome"), null)).isEmpty();
    assertThat(ids(robots, Map.of("site", "oslo", "model", "mk1"), null)).as("each label on another robot").isEmpty();
    assertThat(robots.robots(new RobotQuery(Map.of("model", "mk2"), null, null, 1))).singleElement()
        .isEqualTo(robots.robot("r1").orElseThrow());
    assertThat(robots.matchingRobots(new TargetSelector(Map.of("model", "mk2"), List.of("r3", "r4"))))
        .containsExactly("r3");
  }

  @OnEachDatabase
  void aRegistrationReplacesTheRobotsLabels(Jdbi jdbi) {
    RobotRepository robots = RegistryFixtures.repositories(jdbi).robots();
    robots.registerRobot("r1", Map.of("site", "berlin", "model", "mk2"), "1.0.0", null);

    robots.registerRobot("r1", Map.of("site", "paris"), "1.0.0", null);

    assertThat(ids(robots, Map.of("site", "berlin"), null)).isEmpty();
    assertThat(ids(robots, Map.of("model", "mk2"), null)).as("a label the robot no longer names").isEmpty();
    assertThat(ids(robots, Map.of("site", "paris"), null)).containsExactly("r1");
    assertThat(robots.matchingRobots(new TargetSelector(Map.of("site", "paris"), null))).containsExactly("r1");
    assertThat(robots.robot("r1").orElseThrow().labels()).isEqualTo(Map.of("site", "paris"));

    robots.registerRobot("r1", null, "1.0.0", null);
    assertThat(ids(robots, Map.of("site", "paris"), null)).isEmpty();
    assertThat(robots.robot("r1").orElseThrow().labels()).isEmpty();
  }

  @OnEachDatabase
  void listsTheRobotsRunningAVersion(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = RegistryFixtures.repositories(jdbi);
    RobotRepository robots = registry.robots();
    robots.registerRobot("r1", Map.of("site", "berlin"), "1.0.0", null);
    robots.registerRobot("r2", Map.of("site", "berlin"), "1.1.0", null);
    robots.registerRobot("r3", Map.of("site", "oslo"), "1.1.0", null);
    robots.registerRobot("r4", Map.of("site", "oslo"), null, null);
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.COMMITTED, null, "1.1.0");

    assertThat(ids(robots, Map.of(), "1.1.0")).containsExactly("r1", "r2", "r3");
    assertThat(ids(robots, Map.of("site", "oslo"), "1.1.0")).containsExactly("r3");
    assertThat(ids(robots, Map.of(), "1.0.0")).isEmpty();
  }

  @OnEachDatabase
  void pagesTheFleetWithNoRobotTwiceAndNoneLeftOut(Jdbi jdbi) {
    RobotRepository robots = RegistryFixtures.repositories(jdbi).robots();
    for (int i = 0; i < 23; i++) {
      robots.registerRobot(robotId(i), i % 3 == 0 ? Map.of("site", "berlin", "model", "mk" + i % 2)
          : Map.of("site", "oslo"), i % 2 == 0 ? "1.0.0" : "1.1.0", null);
    }

    List<List<RobotRecord>> everyRobot = pages((after, limit) -> robots.robots(new RobotQuery(null, null, after,
        limit)), RobotRecord::robotId, null, 5);
    assertThat(everyRobot).hasSize(5).allSatisfy(page -> assertThat(page).hasSizeLessThanOrEqualTo(5));
    assertThat(everyRobot.stream().flatMap(List::stream).map(RobotRecord::robotId))
        .containsExactlyElementsOf(IntStream.range(0, 23).mapToObj(RegistryFixtures::robotId).toList());

    List<List<RobotRecord>> berlinOnOneZero = pages((after, limit) -> robots.robots(new RobotQuery(
        Map.of("site", "berlin"), "1.0.0", after, limit)), RobotRecord::robotId, null, 2);
    assertThat(berlinOnOneZero.stream().flatMap(List::stream).map(RobotRecord::robotId))
        .containsExactly(robotId(0), robotId(6), robotId(12), robotId(18));
    assertThat(berlinOnOneZero).hasSize(2);
  }

  @Test
  void aPageAsksForAtLeastOneRobot() {
    assertThatThrownBy(() -> new RobotQuery(Map.of(), null, null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A registry at V6 kept its labels in JSON only: V7 copies them to rows, which filters then find. */
  @OnEachDatabase
  void migrationToV7CopiesTheLabelsOfEveryRobotRegisteredBefore(TestDatabase database) {
    String url = database.url();
    Flyway.configure().dataSource(url, "", "").target("6").load().migrate();
    Jdbi v6 = Jdbi.create(url, "", "");
    v6.useHandle(h -> h.execute("INSERT INTO robots (robot_id, labels, installed_version, registered_at, last_seen_at)"
        + " VALUES ('r1', '{\"model\":\"mk2\",\"site\":\"berlin\"}', '1.0.0', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
        + " ('r2', '{\"site\":\"berlin\"}', '1.1.0', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
        + " ('r3', '{}', '1.0.0', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"));

    RobotRepository robots = RegistryFixtures.repositories(database.jdbi()).robots();

    assertThat(ids(robots, Map.of("site", "berlin"), null)).containsExactly("r1", "r2");
    assertThat(ids(robots, Map.of("site", "berlin", "model", "mk2"), null)).containsExactly("r1");
    assertThat(ids(robots, Map.of(), null)).containsExactly("r1", "r2", "r3");
    assertThat(robots.matchingRobots(new TargetSelector(Map.of("model", "mk2"), null))).containsExactly("r1");
  }
}
