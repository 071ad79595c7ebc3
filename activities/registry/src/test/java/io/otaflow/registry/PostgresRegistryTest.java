package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.fourStagePlan;
import static io.otaflow.registry.RegistryFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutRequest;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same SQL on PostgreSQL. Runs only when OTAFLOW_TEST_PG_URL names a database (user/password in the URL), for
 * example {@code jdbc:postgresql://localhost:5432/postgres?user=otaflow}; each run gets its own schema.
 */
@EnabledIfEnvironmentVariable(named = "OTAFLOW_TEST_PG_URL", matches = "jdbc:postgresql:.+")
class PostgresRegistryTest {

  @Test
  void registryWorksOnPostgres() throws SQLException {
    try (RegistryFixtures.PostgresSchema schema = RegistryFixtures.PostgresSchema.create()) {
      checkRegistry(FleetDatabase.open(schema.url(), null, null));
    }
  }

  private static void checkRegistry(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = RegistryFixtures.repositories(jdbi);
    JdbiRolloutRegistryActivities activities = registry.rolloutActivities();

    for (int i = 0; i < 50; i++) {
      registry.robots().registerRobot(RegistryFixtures.robotId(i), Map.of("site", i % 2 == 0 ? "berlin" : "oslo"), "1.0.0", null);
    }
    registry.releases().registerRelease(release("1.4.0"));
    registry.releases().registerRelease(release("1.4.0"));
    RolloutRequest request = new RolloutRequest("ro-1", release("1.4.0"), fourStagePlan(), TargetSelector.wholeFleet());
    registry.rollouts().createRollout(request, Set.of());
    assertThat(registry.rollouts().rolloutRequest("ro-1")).contains(request);
    assertThat(registry.robots().matchingRobots(new TargetSelector(Map.of("site", "oslo"), List.of()))).hasSize(25);

    assertThat(activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9"))
        .containsExactly(1, 4, 20, 25);
    assertThat(activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9"))
        .containsExactly(1, 4, 20, 25);
    String first = activities.stageRobots("ro-1", 0, null, 7).get(0);
    registry.rolloutRobots().recordRobotState("ro-1", first, RobotUpdateState.COMMITTED, null, "1.4.0");
    activities.recordRolloutStatus("ro-1", RolloutStatus.RUNNING, "canary", null);

    assertThat(activities.robotsInState("ro-1", List.of(RobotUpdateState.COMMITTED), null, 7)).containsExactly(first);
    assertThat(activities.robotsInState("ro-1", List.of(RobotUpdateState.PENDING), first, 100)).hasSizeLessThan(50);
    assertThat(registry.robots().robot(first).orElseThrow().installedVersion()).isEqualTo("1.4.0");
    String second = activities.stageRobots("ro-1", 1, null, 7).get(0);
    registry.rolloutRobots().recordRobotState("ro-1", second, RobotUpdateState.FAILED, "apply: '..' entry", null);
    assertThat(registry.rolloutRobots().robots("ro-1", List.of(), null, 2)).hasSize(2);
    assertThat(registry.rolloutRobots().robots("ro-1", List.of(RobotUpdateState.FAILED), null, 7))
        .extracting(RolloutRobotRecord::robotId).containsExactly(second);
    assertThat(registry.rolloutRobots().failureReasons("ro-1", 5))
        .containsExactly(new FailureReason(RobotUpdateState.FAILED, "apply: '..' entry", 1));
    assertThat(registry.rollouts().rollout("ro-1").orElseThrow().status()).isEqualTo(RolloutStatus.RUNNING);
    assertThat(registry.events().events("ro-1")).hasSize(5);

    assertThat(activities.robotsToRollBack("ro-1", "1.4.0", null, 7)).containsExactly(first);
    registry.rolloutRobots().recordRobotState("later", first, RobotUpdateState.COMMITTED, null, "1.5.0");
    assertThat(activities.robotsToRollBack("ro-1", "1.4.0", null, 7)).isEmpty();
    assertThat(activities.countMovedOn("ro-1", "1.4.0")).isEqualTo(1);
    activities.recordRolloutStatus("ro-1", RolloutStatus.SUCCEEDED, "100%", null);
    assertThat(registry.rollouts().orderRollback("ro-1", Set.of(second), "rolling back after it ended")).isTrue();
    assertThat(registry.rollouts().rollout("ro-1").orElseThrow().rollbackOrderedAt()).isNotNull();
    assertThat(registry.leases().leasedRobots("ro-1")).containsExactly(second);

    KillSwitchRepository killSwitch = new KillSwitchRepository(jdbi, Clock.systemUTC());
    assertThat(killSwitch.set(true, "ana", "motors").on()).isTrue();
    assertThat(killSwitch.set(true, "bob", "again").operator()).isEqualTo("ana");
    assertThat(killSwitch.set(false, "bob", null).on()).isFalse();
    assertThat(killSwitch.history()).extracting(KillSwitchRecord::on).containsExactly(false, true);
  }
}
