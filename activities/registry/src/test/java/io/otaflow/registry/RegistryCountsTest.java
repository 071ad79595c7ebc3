package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the control plane's metrics read: rollouts by status, the audit trail's new final states (a state recorded again
 * for the same robot counted once), the fleet by version and by its latest telemetry.
 */
class RegistryCountsTest {

  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private static final List<String> ENDS = List.of("SUCCEEDED", "ROLLED_BACK", "FAILED", "ABORTED");

  private RegistryFixtures.Repositories registry;
  private RegistryCounts counts;
  private Jdbi jdbi;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    this.jdbi = jdbi;
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    registry = RegistryFixtures.repositories(jdbi, clock);
    counts = new RegistryCounts(jdbi, clock);
  }

  @OnEachDatabase
  void eventsAreTalliedOnceAndOnlyWhatIsNew() {
    registry.releases().registerRelease(RegistryFixtures.release("2.0.0"));
    registry.robots().registerRobot("r1", Map.of(), "1.0.0", null);
    registry.robots().registerRobot("r2", Map.of(), "1.0.0", null);
    registry.rollouts().createRollout(new RolloutRequest("ro-1", RegistryFixtures.release("2.0.0"),
        RegistryFixtures.fourStagePlan(), TargetSelector.wholeFleet(), null), Set.of("r1", "r2"));
    registry.rolloutRobots().storeStages("ro-1", List.of(List.of("r1"), List.of("r2")));
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.OFFLINE, "no pickup", null);
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.OFFLINE, "no pickup", null);
    registry.rolloutRobots().recordRobotState("ro-1", "r2", RobotUpdateState.COMMITTED, null, "2.0.0");
    registry.rollouts().recordAnalysis("ro-1", "canary", "FAIL", "stage 'canary' analysis 'e': 1 not < 0.5 (1 of 1)");
    registry.rollouts().recordRolloutStatus("ro-1", RolloutStatus.FAILED, "canary", "missed its threshold");

    RegistryCounts.EventTally first = counts.eventsAfter(0, ENDS);
    assertThat(first.robotStates()).as("robot states only, no analysis measurement; by the stage's position")
        .containsOnly(Map.entry("OFFLINE", Map.of("1", 1L)), Map.entry("COMMITTED", Map.of("2", 1L)));
    assertThat(first.robotsIn("OFFLINE")).isEqualTo(1);
    assertThat(first.rolloutStatuses()).containsEntry("FAILED", 1L).containsEntry("PENDING", 1L);
    assertThat(first.rolloutsEnded()).containsExactly("ro-1");
    RegistryCounts.EventTally again = counts.eventsAfter(first.lastEventId(), ENDS);
    assertThat(again.robotStates()).isEmpty();
    assertThat(again.rolloutsEnded()).isEmpty();
    assertThat(again.lastEventId()).isEqualTo(first.lastEventId());

    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.OFFLINE, "reconciled", null);
    assertThat(counts.eventsAfter(first.lastEventId(), ENDS).robotStates()).as("recorded again: the same fact")
        .isEmpty();
    assertThat(counts.rolloutsByStatus()).containsExactly(Map.entry("FAILED", 1L));
    assertThat(new RolloutEventLog(jdbi).events("ro-1")).filteredOn(event -> event.kind().equals("ANALYSIS"))
        .singleElement().satisfies(event -> {
          assertThat(event.status()).isEqualTo("FAIL");
          assertThat(event.stage()).isEqualTo("canary");
          assertThat(event.reason()).isEqualTo("stage 'canary' analysis 'e': 1 not < 0.5 (1 of 1)");
        });
  }

  @OnEachDatabase
  void aRobotNoStageListedCountsInStageNone() {
    registry.rolloutRobots().recordRobotState("ro-2", "stray", RobotUpdateState.FAILED, "lost", null);
    assertThat(counts.eventsAfter(0, ENDS).robotStates()).containsExactly(Map.entry("FAILED", Map.of("none", 1L)));
  }

  @OnEachDatabase
  void aRunningRolloutIsPastItsDeadlineOnlyLongAfterItLastBecameRunning() {
    registry.releases().registerRelease(RegistryFixtures.release("2.0.0"));
    RolloutPlan fourStages = RegistryFixtures.fourStagePlan();
    RolloutPlan watched = new RolloutPlan(fourStages.stages(), fourStages.maxParallel(), fourStages.robotTimeout(),
        fourStages.healthChecks(), fourStages.healthSoak(), fourStages.safeStateDeadline(), fourStages.onFailure(),
        false, Duration.ofMinutes(30));
    for (String id : List.of("stuck", "moving", "paused", "unwatched")) {
      registry.rollouts().createRollout(new RolloutRequest(id, RegistryFixtures.release("2.0.0"),
          id.equals("unwatched") ? fourStages : watched, TargetSelector.wholeFleet(), null), Set.of());
      registry.rollouts().recordRolloutStatus(id, RolloutStatus.RUNNING, "canary", null);
    }
    registry.rollouts().recordRolloutStatus("paused", RolloutStatus.PAUSED, "canary", "by ana");
    // An hour ago for all but "moving", which entered a stage since.
    jdbi.useHandle(h -> h.execute("UPDATE rollout_events SET recorded_at = ? WHERE rollout_id <> 'moving'",
        NOW.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)));
    registry.rollouts().recordRolloutStatus("moving", RolloutStatus.RUNNING, "10%", null);

    assertThat(counts.stagesPastDeadline()).as("only 'stuck': 'paused' is not running, 'unwatched' has no deadline")
        .isEqualTo(1);
  }

  @OnEachDatabase
  void theFleetByVersionAndByItsLatestReports() {
    registry.robots().registerRobot("hot", Map.of(), "1.0.0", null);
    registry.robots().registerRobot("low", Map.of(), "1.0.0", null);
    registry.robots().registerRobot("silent", Map.of(), null, null);
    registry.robots().registerRobot("old", Map.of(), "0.9.0", null);
    registry.telemetry().recordAll(List.of(new RobotTelemetry("hot", 80.0, 91.0, "1.0.0", 1, null, null)));
    registry.telemetry().recordAll(List.of(new RobotTelemetry("low", 12.0, 40.0, "1.0.0", 1, null, null)));
    registry.telemetry().recordAll(List.of(new RobotTelemetry("old", 70.0, 40.0, "0.9.0", 1, null, null)));
    jdbi.useHandle(h -> h.execute("UPDATE robot_telemetry SET received_at = ? WHERE robot_id = 'old'",
        NOW.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC)));

    List<RegistryCounts.FleetGroup> fleet = counts.fleet(Duration.ofMinutes(5), 80, 20, null);

    assertThat(fleet).as("silent never reported, old an hour ago: both stale").containsExactlyInAnyOrder(
        new RegistryCounts.FleetGroup("1.0.0", null, 2, 0, 1, 1),
        new RegistryCounts.FleetGroup("0.9.0", null, 1, 1, 0, 0),
        new RegistryCounts.FleetGroup("none", null, 1, 1, 0, 0));
  }

  @OnEachDatabase
  void theFleetSplitBySiteLabel() {
    registry.robots().registerRobot("lyon-1", Map.of("site", "lyon", "model", "mk1"), "1.0.0", null);
    registry.robots().registerRobot("lyon-2", Map.of("site", "lyon", "model", "mk2"), "1.0.0", null);
    registry.robots().registerRobot("oslo-1", Map.of("site", "oslo"), "1.0.0", null);
    registry.robots().registerRobot("nowhere", Map.of(), "0.9.0", null);
    registry.telemetry().recordAll(List.of(new RobotTelemetry("lyon-2", 12.0, 91.0, "1.0.0", 1, null, null),
        new RobotTelemetry("oslo-1", 80.0, 40.0, "1.0.0", 1, null, null)));

    assertThat(counts.fleet(Duration.ofMinutes(5), 80, 20, "site")).containsExactlyInAnyOrder(
        new RegistryCounts.FleetGroup("1.0.0", "lyon", 2, 1, 1, 1),
        new RegistryCounts.FleetGroup("1.0.0", "oslo", 1, 0, 0, 0),
        new RegistryCounts.FleetGroup("0.9.0", "none", 1, 1, 0, 0));
  }
}
