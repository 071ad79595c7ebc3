package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static io.otaflow.registry.RegistryFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;
import io.otaflow.rollout.RolloutRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeEach;

class RegistryRepositoriesTest {

  private Jdbi jdbi;
  private RegistryFixtures.TestClock clock;
  private RegistryFixtures.Repositories registry;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    this.jdbi = jdbi;
    clock = new RegistryFixtures.TestClock(T0);
    registry = RegistryFixtures.repositories(jdbi, clock);
  }

  @OnEachDatabase
  void registersAndUpdatesRobots() {
    registry.robots().registerRobot("r2", Map.of("site", "oslo"), "1.0.0", null);
    registry.robots().registerRobot("r1", Map.of("site", "berlin", "model", "mk2"), "1.0.0", null);
    clock.advance(Duration.ofMinutes(1));
    registry.robots().registerRobot("r1", Map.of("site", "paris"), "1.1.0", null);

    RobotRecord r1 = registry.robots().robot("r1").orElseThrow();
    assertThat(r1.labels()).isEqualTo(Map.of("site", "paris"));
    assertThat(r1.installedVersion()).isEqualTo("1.1.0");
    assertThat(r1.registeredAt()).isEqualTo(T0);
    assertThat(r1.lastSeenAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(registry.robots().robots(new RobotQuery(Map.of(), null, null, 10)))
        .extracting(RobotRecord::robotId).containsExactly("r1", "r2");
    assertThat(registry.robots().robot("nope")).isEmpty();
  }

  @OnEachDatabase
  void keepsTheAgentVersionWhenARegistrationDoesNotNameOne() {
    registry.robots().registerRobot("r1", Map.of("site", "oslo"), null, "0.1.0");
    assertThat(registry.robots().robot("r1").orElseThrow().agentVersion()).isEqualTo("0.1.0");
    assertThat(registry.robots().robot("r1").orElseThrow().installedVersion()).isNull();

    registry.robots().registerRobot("r1", Map.of("site", "oslo"), "1.0.0", null);
    assertThat(registry.robots().robot("r1").orElseThrow().agentVersion()).isEqualTo("0.1.0");

    registry.robots().registerRobot("r1", Map.of("site", "oslo"), "1.0.0", "0.2.0");
    assertThat(registry.robots().robot("r1").orElseThrow().agentVersion()).isEqualTo("0.2.0");
  }

  @OnEachDatabase
  void registersReleasesOnce() {
    registry.releases().registerRelease(release("1.4.0"));
    registry.releases().registerRelease(release("1.4.0")); // same again: no-op
    registry.releases().registerRelease(release("2.0.0-rc.1"));

    assertThat(registry.releases().release("1.4.0")).contains(release("1.4.0"));
    assertThat(registry.releases().releases()).extracting(Release::version).containsExactly("1.4.0", "2.0.0-rc.1");
    assertThat(registry.releases().release("9.9.9")).isEmpty();

    Release changed = new Release("1.4.0", release("1.4.0").artifactUrl(), "b".repeat(64), 4096, "fixes", null);
    assertThatThrownBy(() -> registry.releases().registerRelease(changed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different artifact");
  }

  @OnEachDatabase
  void matchesRobotsByFleetLabelsAndIds() {
    registry.robots().registerRobot("r1", Map.of("site", "berlin", "model", "mk2"), "1.0.0", null);
    registry.robots().registerRobot("r2", Map.of("site", "berlin", "model", "mk1"), "1.0.0", null);
    registry.robots().registerRobot("r3", Map.of("site", "oslo", "model", "mk2"), "1.0.0", null);

    assertThat(registry.robots().matchingRobots(TargetSelector.wholeFleet())).containsExactly("r1", "r2", "r3");
    assertThat(registry.robots().matchingRobots(new TargetSelector(Map.of("site", "berlin"), null)))
        .containsExactly("r1", "r2");
    assertThat(registry.robots().matchingRobots(new TargetSelector(Map.of("site", "berlin", "model", "mk2"), null)))
        .containsExactly("r1");
    assertThat(registry.robots().matchingRobots(new TargetSelector(Map.of("site", "rome"), null))).isEmpty();
    assertThat(registry.robots().matchingRobots(new TargetSelector(null, List.of("r3", "r1")))).containsExactly("r1", "r3");

    assertThatThrownBy(() -> registry.robots().matchingRobots(new TargetSelector(null, List.of("r1", "r99", "r98"))))
        .isInstanceOf(UnknownRobotException.class)
        .hasMessage("unknown robot(s): r99, r98");
  }

  @OnEachDatabase
  void createsRolloutsAndKeepsTheirPlan() {
    registry.releases().registerRelease(release("1.4.0"));
    RolloutRequest request = new RolloutRequest("ro-1", release("1.4.0"), RegistryFixtures.fourStagePlan(),
        new TargetSelector(Map.of("site", "berlin"), List.of()), null);
    registry.rollouts().createRollout(request, Set.of());
    clock.advance(Duration.ofSeconds(1));
    registry.rollouts().createRollout(new RolloutRequest("ro-2", release("1.4.0"), RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet(), null), Set.of());

    assertThat(registry.rollouts().rollout("ro-1")).contains(
        new RolloutRecord("ro-1", "1.4.0", RolloutStatus.PENDING, null, null, T0, T0, null));
    assertThat(registry.rollouts().rollouts(new RolloutQuery(Set.of(), null, null, 10)))
        .extracting(RolloutRecord::rolloutId).containsExactly("ro-2", "ro-1");
    // Durations and nested records survive the JSON round trip.
    assertThat(registry.rollouts().rolloutRequest("ro-1")).contains(request);
    assertThat(registry.events().events("ro-1")).singleElement()
        .satisfies(e -> assertThat(e.status()).isEqualTo("PENDING"));

    assertThatThrownBy(() -> registry.rollouts().createRollout(request, Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rollout ro-1 already exists");
    // A rollout of a release the registry does not hold breaks the database's reference, and is not stored.
    assertThatThrownBy(() -> registry.rollouts().createRollout(new RolloutRequest("ro-3", release("3.0.0"),
        RegistryFixtures.fourStagePlan(), TargetSelector.wholeFleet(), null), Set.of()))
        .isInstanceOf(UnableToExecuteStatementException.class);
    assertThat(registry.rollouts().rollout("ro-3")).isEmpty();
  }

  @OnEachDatabase
  void recordsRolloutStatusOnTheRowAndInTheLog() {
    registry.releases().registerRelease(release("1.4.0"));
    registry.rollouts().createRollout(new RolloutRequest("ro-1", release("1.4.0"), RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet(), null), Set.of());
    clock.advance(Duration.ofMinutes(2));

    registry.rollouts().recordRolloutStatus("ro-1", RolloutStatus.RUNNING, "canary", null);
    registry.rollouts().recordRolloutStatus("ro-1", RolloutStatus.ROLLED_BACK, "10%", "stage 10% missed its threshold");
    registry.rollouts().recordRolloutStatus("ro-1", RolloutStatus.ROLLED_BACK, "10%", "stage 10% missed its threshold");

    assertThat(registry.rollouts().rollout("ro-1")).contains(new RolloutRecord("ro-1", "1.4.0", RolloutStatus.ROLLED_BACK,
        "10%", "stage 10% missed its threshold", T0, T0.plus(Duration.ofMinutes(2)), null));
    assertThat(registry.events().events("ro-1")).extracting(RolloutEventRecord::status)
        .containsExactly("PENDING", "RUNNING", "ROLLED_BACK", "ROLLED_BACK");
    String raw = jdbi.withHandle(h -> h.createQuery("SELECT status FROM rollouts WHERE rollout_id = 'ro-1'")
        .mapTo(String.class).one());
    assertThat(raw).isEqualTo("ROLLED_BACK");
  }

  @OnEachDatabase
  void recordsRobotStateAndInstalledVersion() {
    registry.robots().registerRobot("r1", Map.of(), "1.0.0", null);
    clock.advance(Duration.ofMinutes(3));

    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.DOWNLOADING, null, null);
    assertThat(registry.robots().robot("r1").orElseThrow().installedVersion()).isEqualTo("1.0.0");
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.COMMITTED, null, "1.4.0");

    RobotRecord robot = registry.robots().robot("r1").orElseThrow();
    assertThat(robot.installedVersion()).isEqualTo("1.4.0");
    assertThat(robot.lastSeenAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).containsExactly(
        new RolloutRobotRecord("r1", -1, RobotUpdateState.COMMITTED, null, T0.plus(Duration.ofMinutes(3))));
    assertThat(registry.rolloutRobots().countsByState("ro-1"))
        .containsEntry(RobotUpdateState.COMMITTED, 1).containsEntry(RobotUpdateState.PENDING, 0);
    assertThat(registry.events().events("ro-1")).extracting(RolloutEventRecord::robotId, RolloutEventRecord::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("r1", "DOWNLOADING"),
            org.assertj.core.groups.Tuple.tuple("r1", "COMMITTED"));
    String raw = jdbi.withHandle(h -> h.createQuery("SELECT state FROM rollout_robots WHERE robot_id = 'r1'")
        .mapTo(String.class).one());
    assertThat(raw).isEqualTo("COMMITTED");
  }

  @OnEachDatabase
  void aStepRecordedLateNeverOverwritesTheEndOfTheRobotsUpdate() {
    registry.robots().registerRobot("r1", Map.of(), "1.0.0", null);
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.HEALTH_CHECKING, null, null);
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.COMMITTED, null, "1.4.0");
    // The same local activity run again, its first run landing after the commit.
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.HEALTH_CHECKING, null, null);

    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).extracting(RolloutRobotRecord::state)
        .containsExactly(RobotUpdateState.COMMITTED);
    assertThat(registry.events().events("ro-1")).extracting(RolloutEventRecord::status)
        .containsExactly("HEALTH_CHECKING", "COMMITTED", "HEALTH_CHECKING");

    // An end still follows an end (a rollout's rollback), and a robot put back in line starts again.
    registry.rolloutRobots().recordRobotState("ro-1", "r1", RobotUpdateState.ROLLED_BACK, "rolled back", "1.0.0");
    registry.rolloutRobots().recordRobotState("ro-1", "r2", RobotUpdateState.PENDING, "kill switch", null);
    registry.rolloutRobots().recordRobotState("ro-1", "r2", RobotUpdateState.DOWNLOADING, null, null);
    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).extracting(RolloutRobotRecord::state)
        .containsExactlyInAnyOrder(RobotUpdateState.ROLLED_BACK, RobotUpdateState.DOWNLOADING);
  }

  @OnEachDatabase
  void pagesARolloutsRobotsByIdFilteredByState() {
    RolloutRobotRepository rolloutRobots = registry.rolloutRobots();
    rolloutRobots.storeStages("ro-1", List.of(List.of("r3"), List.of("r1", "r2", "r4", "r5")));
    rolloutRobots.storeStages("ro-2", List.of(List.of("r0", "r1")));
    clock.advance(Duration.ofMinutes(1));
    rolloutRobots.recordRobotState("ro-1", "r1", RobotUpdateState.FAILED, "download: HTTP 404", null);
    rolloutRobots.recordRobotState("ro-1", "r2", RobotUpdateState.ROLLBACK_FAILED, "rollback: unreachable", null);
    rolloutRobots.recordRobotState("ro-1", "r3", RobotUpdateState.COMMITTED, null, "1.4.0");
    rolloutRobots.recordRobotState("ro-1", "r5", RobotUpdateState.FAILED, "download: HTTP 404", null);
    rolloutRobots.recordRobotState("ro-1", "r6", RobotUpdateState.OFFLINE, "no stage listed it", null);
    Instant t1 = T0.plus(Duration.ofMinutes(1));

    assertThat(rolloutRobots.robots("ro-1", List.of(), null, 2)).containsExactly(
        new RolloutRobotRecord("r1", 1, RobotUpdateState.FAILED, "download: HTTP 404", t1),
        new RolloutRobotRecord("r2", 1, RobotUpdateState.ROLLBACK_FAILED, "rollback: unreachable", t1));
    assertThat(rolloutRobots.robots("ro-1", List.of(), "r2", 2)).containsExactly(
        new RolloutRobotRecord("r3", 0, RobotUpdateState.COMMITTED, null, t1),
        new RolloutRobotRecord("r4", 1, RobotUpdateState.PENDING, null, T0));
    assertThat(rolloutRobots.robots("ro-1", List.of(), "r4", 2)).extracting(RolloutRobotRecord::robotId)
        .containsExactly("r5", "r6");
    assertThat(rolloutRobots.robots("ro-1", List.of(), "r6", 2)).isEmpty();

    List<RobotUpdateState> failed = List.of(RobotUpdateState.FAILED, RobotUpdateState.ROLLBACK_FAILED);
    assertThat(rolloutRobots.robots("ro-1", failed, null, 10)).extracting(RolloutRobotRecord::robotId)
        .containsExactly("r1", "r2", "r5");
    assertThat(rolloutRobots.robots("ro-1", failed, "r1", 1)).extracting(RolloutRobotRecord::robotId)
        .containsExactly("r2");
    assertThat(rolloutRobots.robots("ro-1", List.of(RobotUpdateState.OFFLINE), null, 10))
        .containsExactly(new RolloutRobotRecord("r6", -1, RobotUpdateState.OFFLINE, "no stage listed it", t1));
    assertThat(rolloutRobots.robots("ro-2", failed, null, 10)).isEmpty();
    assertThat(rolloutRobots.robots("nope", List.of(), null, 10)).isEmpty();
    assertThatThrownBy(() -> rolloutRobots.robots("ro-1", List.of(), null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @OnEachDatabase
  void countsTheMostCommonReasonsRobotsAreNotCommitted() {
    RolloutRobotRepository rolloutRobots = registry.rolloutRobots();
    String escaped = "apply: archive entry '../../escaped.txt' has a '..' component";
    // Reasons are TEXT: grouping must not cut or refuse long ones.
    String longReason = "health: " + "x".repeat(1_000);
    record(rolloutRobots, RobotUpdateState.FAILED, escaped, "r1", "r2", "r3");
    record(rolloutRobots, RobotUpdateState.ROLLED_BACK, longReason, "r4", "r5");
    record(rolloutRobots, RobotUpdateState.WAITING_SAFE_STATE, "safe-state: on a mission", "r6");
    record(rolloutRobots, RobotUpdateState.OFFLINE, "download: not picked up within 2m", "r7");
    record(rolloutRobots, RobotUpdateState.FAILED, "verify: checksum mismatch", "r8");
    record(rolloutRobots, RobotUpdateState.COMMITTED, null, "r9", "r10", "r11", "r12");
    record(rolloutRobots, RobotUpdateState.HEALTH_CHECKING, null, "r13");
    rolloutRobots.recordRobotState("ro-2", "r1", RobotUpdateState.FAILED, escaped, null);

    assertThat(rolloutRobots.failureReasons("ro-1", 4)).containsExactly(
        new FailureReason(RobotUpdateState.FAILED, escaped, 3),
        new FailureReason(RobotUpdateState.ROLLED_BACK, longReason, 2),
        new FailureReason(RobotUpdateState.FAILED, "verify: checksum mismatch", 1),
        new FailureReason(RobotUpdateState.OFFLINE, "download: not picked up within 2m", 1));
    assertThat(rolloutRobots.failureReasons("ro-1", 10)).hasSize(5)
        .last().isEqualTo(new FailureReason(RobotUpdateState.WAITING_SAFE_STATE, "safe-state: on a mission", 1));
    assertThat(rolloutRobots.failureReasons("ro-3", 10)).isEmpty();
  }

  private static void record(RolloutRobotRepository rolloutRobots, RobotUpdateState state, String reason,
                             String... robotIds) {
    for (String robotId : robotIds) {
      rolloutRobots.recordRobotState("ro-1", robotId, state, reason, null);
    }
  }
}
