package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static io.otaflow.registry.RegistryFixtures.pages;
import static io.otaflow.registry.RegistryFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Rollouts, their events, releases and a robot's rollouts as lists: filtered in SQL, newest (or oldest) first, one
 * keyset page per query.
 */
class RegistryListsTest {

  private final RegistryFixtures.TestClock clock = new RegistryFixtures.TestClock(T0);

  /**
   * The registry on {@code jdbi} with releases 1.0.0 to 2.0.0 registered a minute apart, 1.2.0 and 1.2.1 at the same
   * instant (newest first, the version breaks their tie).
   */
  private RegistryFixtures.Repositories registryWithReleases(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = RegistryFixtures.repositories(jdbi, clock);
    for (String version : List.of("1.0.0", "1.1.0", "1.2.0", "1.2.1", "2.0.0")) {
      registry.releases().registerRelease(release(version));
      if (!version.equals("1.2.0")) {
        clock.advance(Duration.ofMinutes(1));
      }
    }
    return registry;
  }

  private void createRollout(RolloutRepository rollouts, String rolloutId, String version, RolloutStatus status) {
    rollouts.createRollout(new RolloutRequest(rolloutId, release(version), RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet(), null), Set.of());
    if (status != RolloutStatus.PENDING) {
      rollouts.recordRolloutStatus(rolloutId, status, null, null);
    }
  }

  @OnEachDatabase
  void pagesReleasesNewestFirst(Jdbi jdbi) {
    ReleaseRepository releases = registryWithReleases(jdbi).releases();

    assertThat(pages(releases::releases, Release::version, null, 2))
        .extracting(page -> page.stream().map(Release::version).toList())
        .containsExactly(List.of("2.0.0", "1.2.1"), List.of("1.2.0", "1.1.0"), List.of("1.0.0"));
    assertThat(releases.releases("0.1.0", 10)).as("after a release never registered").isEmpty();
  }

  @OnEachDatabase
  void pagesRolloutsNewestFirstByStatusAndRelease(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registryWithReleases(jdbi);
    RolloutRepository rollouts = registry.rollouts();
    createRollout(rollouts, "ro-a", "1.1.0", RolloutStatus.SUCCEEDED);
    clock.advance(Duration.ofMinutes(1));
    createRollout(rollouts, "ro-b", "1.2.0", RolloutStatus.ROLLED_BACK);
    createRollout(rollouts, "ro-c", "1.2.0", RolloutStatus.RUNNING); // created with ro-b: the ID breaks the tie
    clock.advance(Duration.ofMinutes(1));
    createRollout(rollouts, "ro-d", "1.1.0", RolloutStatus.RUNNING);
    clock.advance(Duration.ofMinutes(1));
    createRollout(rollouts, "ro-e", "1.2.0", RolloutStatus.PENDING);

    assertThat(rolloutPages(rollouts, Set.of(), null, 2))
        .containsExactly(List.of("ro-e", "ro-d"), List.of("ro-c", "ro-b"), List.of("ro-a"));
    assertThat(rolloutPages(rollouts, Set.of(RolloutStatus.RUNNING, RolloutStatus.PENDING), null, 1))
        .containsExactly(List.of("ro-e"), List.of("ro-d"), List.of("ro-c"));
    assertThat(rolloutPages(rollouts, Set.of(), "1.2.0", 2))
        .containsExactly(List.of("ro-e", "ro-c"), List.of("ro-b"));
    assertThat(rolloutPages(rollouts, Set.of(RolloutStatus.RUNNING), "1.2.0", 10)).containsExactly(List.of("ro-c"));
    assertThat(rolloutPages(rollouts, Set.of(RolloutStatus.ABORTED), null, 10)).containsExactly(List.of());
    assertThat(rollouts.rollouts(new RolloutQuery(null, null, "ro-d", 1))).singleElement()
        .isEqualTo(rollouts.rollout("ro-c").orElseThrow());
    assertThat(rollouts.rollouts(new RolloutQuery(null, null, "nope", 10))).as("after an unknown rollout").isEmpty();
  }

  private static List<List<String>> rolloutPages(RolloutRepository rollouts, Set<RolloutStatus> statuses,
                                                 String release, int limit) {
    return pages((after, size) -> rollouts.rollouts(new RolloutQuery(statuses, release, after, size)),
        RolloutRecord::rolloutId, null, limit).stream()
        .map(page -> page.stream().map(RolloutRecord::rolloutId).toList()).toList();
  }

  @OnEachDatabase
  void pagesARolloutsEventsOldestFirst(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registryWithReleases(jdbi);
    createRollout(registry.rollouts(), "ro-1", "1.1.0", RolloutStatus.RUNNING);
    createRollout(registry.rollouts(), "ro-2", "1.1.0", RolloutStatus.RUNNING);
    for (int i = 0; i < 4; i++) { // the two rollouts' events interleave
      registry.rolloutRobots().recordRobotState("ro-1", "r" + i, RobotUpdateState.DOWNLOADING, null, null);
      registry.rolloutRobots().recordRobotState("ro-2", "r" + i, RobotUpdateState.DOWNLOADING, null, null);
    }
    RolloutEventLog events = registry.events();

    List<List<RolloutEventRecord>> pages = pages((after, limit) -> events.events("ro-1", after, limit),
        RolloutEventRecord::id, 0L, 4);

    assertThat(pages).extracting(List::size).containsExactly(4, 2);
    assertThat(pages.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(events.events("ro-1"));
    assertThat(pages.get(0)).extracting(RolloutEventRecord::status).startsWith("PENDING", "RUNNING", "DOWNLOADING");
  }

  @OnEachDatabase
  void pagesARolloutsRobotsFailedFirstAndTellsWhatChangedAfterAnEvent(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registryWithReleases(jdbi);
    createRollout(registry.rollouts(), "ro-1", "1.1.0", RolloutStatus.RUNNING);
    createRollout(registry.rollouts(), "ro-2", "1.1.0", RolloutStatus.RUNNING);
    RolloutRobotRepository robots = registry.rolloutRobots();
    robots.recordRobotState("ro-1", "r1", RobotUpdateState.COMMITTED, null, null);
    robots.recordRobotState("ro-1", "r2", RobotUpdateState.ROLLED_BACK, "health: temperature", null);
    long before = registry.events().latestEventId();
    robots.recordRobotState("ro-1", "r3", RobotUpdateState.DOWNLOADING, null, null);
    robots.recordRobotState("ro-1", "r4", RobotUpdateState.FAILED, "verify: sha256 mismatch", null);
    robots.recordRobotState("ro-2", "r1", RobotUpdateState.COMMITTED, null, null);

    assertThat(robots.robotsFailedFirst("ro-1", List.of(), 0, 10)).extracting(RolloutRobotRecord::robotId)
        .containsExactly("r2", "r4", "r1", "r3");
    assertThat(robots.robotsFailedFirst("ro-1", List.of(), 1, 2)).extracting(RolloutRobotRecord::robotId)
        .containsExactly("r4", "r1");
    assertThat(robots.robotsFailedFirst("ro-1", List.of(RobotUpdateState.COMMITTED), 0, 10))
        .extracting(RolloutRobotRecord::robotId).containsExactly("r1");

    RolloutEventLog events = registry.events();
    assertThat(events.changesAfter(before, 10)).containsOnlyKeys("ro-1", "ro-2")
        .hasEntrySatisfying("ro-1", change -> assertThat(change.events()).isEqualTo(2));
    assertThat(events.changesAfter(before, 1)).as("the rollout changed longest ago").containsOnlyKeys("ro-1");
    assertThat(events.newestEventAfter("ro-1", before)).hasValue(events.latestEventId() - 1);
    assertThat(events.newestEventAfter("ro-1", events.latestEventId())).isEmpty();
    assertThat(robots.countsByStage(List.of("ro-1"))).extracting(RolloutRobotRepository.StageStateCount::robots)
        .containsOnly(1);
  }

  @OnEachDatabase
  void listsARobotsLatestRolloutsNewestFirst(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registryWithReleases(jdbi);
    RolloutRobotRepository rolloutRobots = registry.rolloutRobots();
    createRollout(registry.rollouts(), "ro-1", "1.1.0", RolloutStatus.SUCCEEDED);
    rolloutRobots.storeStages("ro-1", List.of(List.of("r1", "r2")));
    clock.advance(Duration.ofMinutes(1));
    rolloutRobots.recordRobotState("ro-1", "r1", RobotUpdateState.COMMITTED, null, "1.1.0");
    Instant committed = clock.instant();
    createRollout(registry.rollouts(), "ro-2", "1.2.0", RolloutStatus.ROLLED_BACK);
    rolloutRobots.storeStages("ro-2", List.of(List.of("r2"), List.of("r1")));
    clock.advance(Duration.ofMinutes(1));
    rolloutRobots.recordRobotState("ro-2", "r1", RobotUpdateState.ROLLED_BACK, "health: battery 12% < 20%", null);
    Instant rolledBack = clock.instant();
    createRollout(registry.rollouts(), "ro-3", "2.0.0", RolloutStatus.RUNNING);
    rolloutRobots.storeStages("ro-3", List.of(List.of("r1")));
    clock.advance(Duration.ofMinutes(1));
    rolloutRobots.recordRobotState("no-row", "r1", RobotUpdateState.FAILED, "download: HTTP 404", null);

    assertThat(rolloutRobots.robotRollouts("r1", 2)).containsExactly(
        new RobotRolloutRecord("ro-3", "2.0.0", RolloutStatus.RUNNING,
            new RolloutRobotRecord("r1", 0, RobotUpdateState.PENDING, null, rolledBack)),
        new RobotRolloutRecord("ro-2", "1.2.0", RolloutStatus.ROLLED_BACK,
            new RolloutRobotRecord("r1", 1, RobotUpdateState.ROLLED_BACK, "health: battery 12% < 20%", rolledBack)));
    assertThat(rolloutRobots.robotRollouts("r1", 10)).extracting(RobotRolloutRecord::rolloutId)
        .as("no rollout row, no release or status: left out").containsExactly("ro-3", "ro-2", "ro-1");
    assertThat(rolloutRobots.robotRollouts("r1", 10)).last().extracting(RobotRolloutRecord::robot)
        .isEqualTo(new RolloutRobotRecord("r1", 0, RobotUpdateState.COMMITTED, null, committed));
    assertThat(rolloutRobots.robotRollouts("r9", 10)).isEmpty();
  }

  /** No list reads row by row: a page, whatever its size, is one query (the fleet's telemetry of it, another). */
  @OnEachDatabase
  void everyPageIsOneQuery(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registryWithReleases(jdbi);
    for (int i = 0; i < 20; i++) {
      registry.robots().registerRobot("r" + i, Map.of("site", "berlin", "model", "mk2"), "1.0.0", null);
      createRollout(registry.rollouts(), "ro-" + i, "1.1.0", RolloutStatus.RUNNING);
      registry.rolloutRobots().recordRobotState("ro-" + i, "r0", RobotUpdateState.COMMITTED, null, null);
    }
    AtomicInteger statements = new AtomicInteger();
    jdbi.setSqlLogger(new SqlLogger() {
      @Override
      public void logAfterExecution(StatementContext context) {
        statements.incrementAndGet();
      }
    });

    List<Runnable> lists = List.of(
        () -> assertThat(registry.robots().robots(new RobotQuery(Map.of("site", "berlin", "model", "mk2"), "1.0.0",
            "r1", 11))).hasSize(11),
        () -> assertThat(registry.telemetry().latest(List.of("r1", "r2", "r3"))).isEmpty(),
        () -> assertThat(registry.rollouts().rollouts(new RolloutQuery(Set.of(RolloutStatus.RUNNING), "1.1.0",
            "ro-3", 11))).hasSize(11),
        () -> assertThat(registry.releases().releases("2.0.0", 11)).hasSize(4),
        () -> assertThat(registry.events().events("ro-1", 0, 11)).hasSize(3),
        () -> assertThat(registry.rolloutRobots().robotRollouts("r0", 11)).hasSize(11));
    for (Runnable list : lists) {
      statements.set(0);
      list.run();
      assertThat(statements).hasValue(1);
    }
  }
}
