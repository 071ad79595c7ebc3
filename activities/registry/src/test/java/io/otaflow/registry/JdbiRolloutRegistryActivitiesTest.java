package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.fourStagePlan;
import static io.otaflow.registry.RegistryFixtures.robotId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robotupdate.RobotUpdateResult;
import io.otaflow.rollout.RolloutRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

class JdbiRolloutRegistryActivitiesTest {

  private Jdbi jdbi;
  private RegistryFixtures.Repositories registry;
  private JdbiRolloutRegistryActivities activities;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    this.jdbi = jdbi;
    registry = RegistryFixtures.repositories(jdbi);
    activities = registry.rolloutActivities();
  }

  @OnEachDatabase
  void assignsStagesAsStagePlannerDoes() {
    RegistryFixtures.insertRobots(jdbi, 50);
    RolloutPlan plan = fourStagePlan();

    List<Integer> sizes = activities.assignStages("ro-1", TargetSelector.wholeFleet(), plan, "9.9.9");

    assertThat(sizes).containsExactly(1, 4, 20, 25);
    List<String> fleet = IntStream.range(0, 50).mapToObj(RegistryFixtures::robotId).toList();
    List<List<String>> expected = StagePlanner.assign("ro-1", fleet, plan);
    for (int stage = 0; stage < 4; stage++) {
      assertThat(activities.stageRobots("ro-1", stage, null, 100))
          .containsExactlyElementsOf(expected.get(stage).stream().sorted().toList());
    }
    assertThat(registry.rolloutRobots().countsByState("ro-1")).containsEntry(RobotUpdateState.PENDING, 50);
  }

  @OnEachDatabase
  void assigningTwiceKeepsTheFirstAssignment() {
    RegistryFixtures.insertRobots(jdbi, 50);

    List<Integer> first = activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9");
    List<Integer> again = activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9");

    assertThat(again).isEqualTo(first);
    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).hasSize(50);
    assertThat(stagesAssignedEvents("ro-1")).isEqualTo(1);
  }

  @OnEachDatabase
  void aRetryAfterAFailureMidwayCompletesTheSameAssignment() {
    int fleetSize = 2 * RolloutRobotRepository.STAGE_PAGE_SIZE + 2_000;
    RegistryFixtures.insertRobots(jdbi, fleetSize);
    // The second page (in robot ID order) fails on its last robot's row; the first page is committed by then.
    String failingRobot = robotId(2 * RolloutRobotRepository.STAGE_PAGE_SIZE - 1);
    jdbi.useHandle(h -> h.execute("ALTER TABLE rollout_robots ADD CONSTRAINT fails_midway CHECK (robot_id <> '"
        + failingRobot + "')"));

    assertThatThrownBy(() -> activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9"))
        .satisfies(failure -> assertThat(failure.getMessage()).containsIgnoringCase("fails_midway"));
    assertThat(registry.rolloutRobots().countsByState("ro-1"))
        .containsEntry(RobotUpdateState.PENDING, RolloutRobotRepository.STAGE_PAGE_SIZE);
    assertThat(registry.rolloutRobots().assignedStageSizes("ro-1", 4)).isEmpty();
    assertThat(stagesAssignedEvents("ro-1")).isZero();

    jdbi.useHandle(h -> h.execute("ALTER TABLE rollout_robots DROP CONSTRAINT fails_midway"));
    List<Integer> sizes = activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9");

    List<String> fleet = IntStream.range(0, fleetSize).mapToObj(RegistryFixtures::robotId).toList();
    assertThat(sizes).isEqualTo(StagePlanner.stageSizes(fleetSize, fourStagePlan())).containsExactly(1, 1_199,
        4_800, 6_000);
    assertStagesAre("ro-1", StagePlanner.assign("ro-1", fleet, fourStagePlan()));
    assertThat(stagesAssignedEvents("ro-1")).isEqualTo(1);
    assertThat(activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9"))
        .isEqualTo(sizes);
  }

  @OnEachDatabase
  void twoAttemptsAtOnceStoreOneAssignment() throws Exception {
    // A local activity's next attempt can start while a timed-out one still writes.
    int fleetSize = 2 * RolloutRobotRepository.STAGE_PAGE_SIZE;
    RegistryFixtures.insertRobots(jdbi, fleetSize);
    ExecutorService attempts = Executors.newFixedThreadPool(2);
    try {
      Callable<List<Integer>> attempt = () -> activities.assignStages("ro-1", TargetSelector.wholeFleet(),
          fourStagePlan(), "9.9.9");
      List<Future<List<Integer>>> results = attempts.invokeAll(List.of(attempt, attempt));

      List<Integer> expected = StagePlanner.stageSizes(fleetSize, fourStagePlan());
      assertThat(results.get(0).get()).isEqualTo(expected);
      assertThat(results.get(1).get()).isEqualTo(expected);
    } finally {
      attempts.shutdownNow();
    }
    List<String> fleet = IntStream.range(0, fleetSize).mapToObj(RegistryFixtures::robotId).toList();
    assertStagesAre("ro-1", StagePlanner.assign("ro-1", fleet, fourStagePlan()));
  }

  @OnEachDatabase
  void aLabelTargetedRolloutSplitsOnlyTheLabelledRobots() {
    List<String> mars = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String site = i % 3 == 0 ? "earth" : "mars";
      registry.robots().registerRobot(robotId(i), Map.of("site", site, "model", "mk2"), "1.0.0", null);
      if (site.equals("mars")) {
        mars.add(robotId(i));
      }
    }

    List<Integer> sizes = activities.assignStages("ro-mars", new TargetSelector(Map.of("site", "mars"), List.of()),
        fourStagePlan(), "9.9.9");

    assertThat(sizes).containsExactly(1, 2, 10, 13);
    assertStagesAre("ro-mars", StagePlanner.assign("ro-mars", mars, fourStagePlan()));
  }

  @OnEachDatabase
  void assignsALargeFleetInOneCall() {
    RegistryFixtures.insertRobots(jdbi, 20_000);

    List<Integer> sizes = activities.assignStages("ro-big", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9");

    assertThat(sizes).containsExactly(1, 1_999, 8_000, 10_000);
    assertThat(registry.rolloutRobots().countsByState("ro-big")).containsEntry(RobotUpdateState.PENDING, 20_000);
  }

  @OnEachDatabase
  void robotsAlreadyOnTheReleaseAreLeftOut() {
    RegistryFixtures.insertRobots(jdbi, 10);
    registry.rolloutRobots().recordRobotState("earlier", robotId(3), RobotUpdateState.COMMITTED, null, "2.0.0");
    registry.rolloutRobots().recordRobotState("earlier", robotId(7), RobotUpdateState.COMMITTED, null, "2.0.0");

    List<Integer> sizes = activities.assignStages("ro-1", TargetSelector.wholeFleet(),
        new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 1.0)), 5, Duration.ofMinutes(1), 1,
            Duration.ZERO), "2.0.0");

    assertThat(sizes).containsExactly(8);
    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).extracting(RolloutRobotRecord::robotId)
        .doesNotContain(robotId(3), robotId(7));
  }

  @OnEachDatabase
  void unknownRobotsFailWithoutRetry() {
    RegistryFixtures.insertRobots(jdbi, 3);

    assertThatThrownBy(() -> activities.assignStages("ro-1",
        new TargetSelector(Map.of(), List.of(robotId(0), "r98", "r99")), fourStagePlan(), "9.9.9"))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getType()).isEqualTo("UnknownRobot");
          assertThat(f.getOriginalMessage()).isEqualTo("unknown robot(s): r98, r99");
        });
    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).isEmpty();
  }

  @OnEachDatabase
  void pagesCoverEveryRobotExactlyOnce() {
    RegistryFixtures.insertRobots(jdbi, 50);
    List<Integer> sizes = activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9");
    List<String> seen = new ArrayList<>();
    for (int stage = 0; stage < sizes.size(); stage++) {
      int s = stage;
      List<String> stageIds = pageAll(after -> activities.stageRobots("ro-1", s, after, 7));
      assertThat(stageIds).hasSize(sizes.get(stage)).isSorted();
      seen.addAll(stageIds);
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize(50);

    for (int i = 0; i < 50; i += 3) {
      registry.rolloutRobots().recordRobotState("ro-1", robotId(i), RobotUpdateState.COMMITTED, null, "1.4.0");
    }
    List<String> committed = pageAll(after -> activities.robotsInState("ro-1", List.of(RobotUpdateState.COMMITTED), after, 7));
    List<String> pending = pageAll(after -> activities.robotsInState("ro-1", List.of(RobotUpdateState.PENDING), after, 7));
    assertThat(committed).hasSize(17).doesNotHaveDuplicates().isSorted();
    assertThat(pending).hasSize(33).doesNotHaveDuplicates().doesNotContainAnyElementsOf(committed);
  }

  @OnEachDatabase
  void recordsStateWithoutARolloutRow() {
    RegistryFixtures.insertRobots(jdbi, 5);
    activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "9.9.9");

    registry.rolloutRobots().recordRobotState("ro-1", robotId(2), RobotUpdateState.FAILED, "verify: sha256 mismatch", null);
    registry.rolloutRobots().recordRobotState("ro-1", robotId(3), RobotUpdateState.COMMITTED, null, "1.4.0");
    activities.recordRolloutStatus("ro-1", io.otaflow.domain.RolloutStatus.RUNNING, "canary", null);

    assertThat(registry.rolloutRobots().rolloutRobots("ro-1")).filteredOn(r -> r.robotId().equals(robotId(2))).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo("verify: sha256 mismatch"));
    assertThat(registry.robots().robot(robotId(3)).orElseThrow().installedVersion()).isEqualTo("1.4.0");
    assertThat(registry.rollouts().rollout("ro-1")).isEmpty();
    assertThat(registry.events().events("ro-1")).extracting(RolloutEventRecord::kind)
        .containsExactly("STAGES_ASSIGNED", "ROBOT_STATE", "ROBOT_STATE", "ROLLOUT_STATUS");
  }

  @OnEachDatabase
  void aRollbackSwitchesBackRobotsLeftAfterApplyAndCommittedOnesStillOnTheRelease() {
    RegistryFixtures.insertRobots(jdbi, 10);
    activities.assignStages("ro-1", TargetSelector.wholeFleet(), fourStagePlan(), "2.0.0");
    RolloutRobotRepository rows = registry.rolloutRobots();
    rows.recordRobotState("ro-1", robotId(0), RobotUpdateState.COMMITTED, null, "2.0.0");
    rows.recordRobotState("ro-1", robotId(1), RobotUpdateState.COMMITTED, null, "2.0.0");
    rows.recordRobotState("later", robotId(1), RobotUpdateState.COMMITTED, null, "3.0.0");
    rows.recordRobotState("ro-1", robotId(2), RobotUpdateState.APPLIED, null, null);
    rows.recordRobotState("ro-1", robotId(3), RobotUpdateState.HEALTH_CHECKING, null, "3.0.0");
    rows.recordRobotState("ro-1", robotId(4), RobotUpdateState.ROLLBACK_FAILED, "rollback: unreachable", null);
    rows.recordRobotState("ro-1", robotId(5), RobotUpdateState.ROLLED_BACK, null, "1.0.0");
    rows.recordRobotState("ro-1", robotId(6), RobotUpdateState.FAILED, "verify: sha256 mismatch", null);
    rows.recordRobotState("ro-1", robotId(7), RobotUpdateState.COMMITTED, null, "2.0.0");
    rows.recordRobotState("ro-1", robotId(8), RobotUpdateState.COMMITTED, null, "2.0.0");
    rows.recordRobotState("later", robotId(8), RobotUpdateState.COMMITTED, null, "3.0.0");
    rows.recordRobotState("ro-1", robotId(9), RobotUpdateState.OFFLINE, "download: not picked up", null);

    List<String> toRollBack = new ArrayList<>();
    String after = null;
    List<String> page;
    while (!(page = activities.robotsToRollBack("ro-1", "2.0.0", after, 2)).isEmpty()) {
      assertThat(page).hasSizeLessThanOrEqualTo(2);
      toRollBack.addAll(page);
      after = page.get(page.size() - 1);
    }

    assertThat(toRollBack).containsExactly(robotId(0), robotId(2), robotId(3), robotId(4), robotId(7));
    assertThat(activities.countMovedOn("ro-1", "2.0.0")).isEqualTo(2);
    assertThat(activities.robotsToRollBack("other", "2.0.0", null, 10)).isEmpty();
    assertThat(activities.countMovedOn("other", "2.0.0")).isZero();
  }

  /**
   * A robot workflow's last write returns the rollout's open run as recorded then: the run's ID while it is open, none
   * while it continues as new. A robot's state reads back as the rollout sees it.
   */
  @OnEachDatabase
  void aRobotsOutcomeComesBackWithTheRolloutsOpenRun() {
    registry.releases().registerRelease(RegistryFixtures.release("2.0.0"));
    registry.robots().registerRobot("r1", Map.of(), "1.0.0", null);
    registry.rollouts().createRollout(new RolloutRequest("ro-1", RegistryFixtures.release("2.0.0"), fourStagePlan(),
        TargetSelector.wholeFleet(), null), Set.of("r1"));
    JdbiRobotStateActivities robotStates = new JdbiRobotStateActivities(registry.rolloutRobots());

    assertThat(robotStates.recordOutcome("ro-1", "r1", RobotUpdateState.FAILED, "verify: sha256 mismatch", null))
        .as("before any run recorded itself").isNull();
    activities.recordOpenRun("ro-1", "run-1");
    assertThat(robotStates.recordOutcome("ro-1", "r1", RobotUpdateState.COMMITTED, null, "2.0.0")).isEqualTo("run-1");
    activities.recordOpenRun("ro-1", null);
    assertThat(robotStates.recordOutcome("ro-1", "r1", RobotUpdateState.COMMITTED, null, "2.0.0"))
        .as("while it continues as new").isNull();
    activities.recordOpenRun("ro-1", "run-2");
    assertThat(robotStates.recordOutcome("ro-1", "r1", RobotUpdateState.ROLLED_BACK, "rollout rolled back", "1.0.0"))
        .isEqualTo("run-2");

    assertThat(activities.robotState("ro-1", "r1"))
        .isEqualTo(new RobotUpdateResult("r1", RobotUpdateState.ROLLED_BACK, "rollout rolled back", null));
    assertThat(activities.robotState("ro-1", "r9")).isNull();
    assertThat(registry.robots().robot("r1").orElseThrow().installedVersion()).isEqualTo("1.0.0");
  }

  /** The rollout's stored stages are exactly {@code expected}, robot for robot. */
  private void assertStagesAre(String rolloutId, List<List<String>> expected) {
    Map<Integer, List<String>> stored = registry.rolloutRobots().rolloutRobots(rolloutId).stream()
        .collect(Collectors.groupingBy(RolloutRobotRecord::stageIndex,
            Collectors.mapping(RolloutRobotRecord::robotId, Collectors.toList())));
    for (int stage = 0; stage < expected.size(); stage++) {
      assertThat(stored.getOrDefault(stage, List.of())).as("stage %d", stage)
          .containsExactlyInAnyOrderElementsOf(expected.get(stage));
    }
    assertThat(stored.keySet()).allMatch(stage -> stage < expected.size());
  }

  private long stagesAssignedEvents(String rolloutId) {
    return registry.events().events(rolloutId).stream()
        .filter(event -> event.kind().equals(RolloutEventRecord.STAGES_ASSIGNED)).count();
  }

  /** Follows the keyset cursor until a short page. */
  private static List<String> pageAll(Function<String, List<String>> page) {
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      List<String> ids = page.apply(after);
      all.addAll(ids);
      if (ids.size() < 7) {
        return all;
      }
      after = ids.get(ids.size() - 1);
    }
  }
}
