package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;

/** A robot belongs to at most one running rollout: leases taken with the rollout, given back when it ends. */
class RobotLeasesTest {

  private static RegistryFixtures.Repositories registry(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = RegistryFixtures.repositories(jdbi);
    registry.releases().registerRelease(release("2.0.0"));
    for (int i = 1; i <= 4; i++) {
      registry.robots().registerRobot("r" + i, Map.of(), "1.0.0", null);
    }
    return registry;
  }

  private static RolloutRequest rollout(String id) {
    return new RolloutRequest(id, release("2.0.0"), RegistryFixtures.fourStagePlan(), TargetSelector.wholeFleet(),
        null);
  }

  @OnEachDatabase
  void overlappingRolloutIsRefusedNamingTheHolderUntilTheHolderEnds(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registry(jdbi);
    registry.rollouts().createRollout(rollout("A"), Set.of("r1", "r2", "r3"));

    assertThatThrownBy(() -> registry.rollouts().createRollout(rollout("B"), Set.of("r2", "r3", "r4")))
        .isInstanceOf(RobotsLeasedException.class)
        .hasMessage("target: 2 of its 3 robots belong to another rollout (2 in running rollout A); a robot belongs to"
            + " one running rollout at a time: wait for it to end or abort it");
    assertThat(registry.rollouts().rollout("B")).as("nothing of the refused rollout is stored").isEmpty();
    assertThat(registry.leases().leasedRobots("A")).containsExactly("r1", "r2", "r3");

    registry.rollouts().recordRolloutStatus("A", RolloutStatus.RUNNING, "canary", null);
    assertThat(registry.leases().leasedRobots("A")).hasSize(3);
    assertThat(registry.rollouts().unfinishedRollouts()).extracting(RolloutRecord::rolloutId).containsExactly("A");
    registry.rollouts().recordRolloutStatus("A", RolloutStatus.SUCCEEDED, "100%", null);
    assertThat(registry.leases().leasedRobots("A")).isEmpty();
    assertThat(registry.rollouts().unfinishedRollouts()).isEmpty();

    registry.rollouts().createRollout(rollout("B"), Set.of("r2", "r3", "r4"));
    assertThat(registry.leases().leasedRobots("B")).containsExactly("r2", "r3", "r4");
  }

  @OnEachDatabase
  void stageAssignmentTakesTheLeasedRobots(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registry(jdbi);
    registry.rollouts().createRollout(rollout("A"), Set.of("r1", "r3"));

    List<Integer> sizes = registry.rolloutActivities().assignStages("A", TargetSelector.wholeFleet(),
        RegistryFixtures.fourStagePlan(), "2.0.0");

    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
    assertThat(registry.rolloutRobots().stageRobots("A", 0, null, 10)).containsAnyOf("r1", "r3");
  }

  @OnEachDatabase
  void aRollbackOrderedAfterTheEndTakesTheRobotsBackWithItsStatusInOneTransaction(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registry(jdbi);
    registry.rollouts().createRollout(rollout("A"), Set.of("r1", "r2"));
    registry.rollouts().recordRolloutStatus("A", RolloutStatus.SUCCEEDED, "100%", null);

    assertThat(registry.rollouts().orderRollback("A", Set.of("r1", "r2"), "rolling back after it ended: ordered by"
        + " ana: motors")).isTrue();

    RolloutRecord rollingBack = registry.rollouts().rollout("A").orElseThrow();
    assertThat(rollingBack.status()).isEqualTo(RolloutStatus.RUNNING);
    assertThat(rollingBack.reason()).isEqualTo("rolling back after it ended: ordered by ana: motors");
    assertThat(rollingBack.rollbackOrderedAt()).isNotNull();
    assertThat(rollingBack.workflowId()).isEqualTo("rollout-A/rollback");
    assertThat(registry.leases().leasedRobots("A")).containsExactly("r1", "r2");
    assertThat(registry.events().events("A")).last().satisfies(event -> {
      assertThat(event.status()).isEqualTo("RUNNING");
      assertThat(event.reason()).isEqualTo(rollingBack.reason());
    });
    assertThat(registry.rollouts().unfinishedRollouts()).extracting(RolloutRecord::rolloutId).containsExactly("A");
    assertThat(registry.rollouts().orderRollback("A", Set.of("r1", "r2"), "again")).as("not ended any more")
        .isFalse();

    registry.rollouts().recordRolloutStatus("A", RolloutStatus.ROLLED_BACK, null, "rolled back");
    assertThat(registry.leases().leasedRobots("A")).isEmpty();
  }

  @OnEachDatabase
  void aRollbackOnRobotsOfARunningRolloutIsRefusedAndStoresNothing(Jdbi jdbi) {
    RegistryFixtures.Repositories registry = registry(jdbi);
    registry.rollouts().createRollout(rollout("A"), Set.of("r1", "r2"));
    registry.rollouts().recordRolloutStatus("A", RolloutStatus.SUCCEEDED, "100%", null);
    registry.rollouts().createRollout(rollout("B"), Set.of("r2", "r3"));
    int events = registry.events().events("A").size();

    assertThatThrownBy(() -> registry.rollouts().orderRollback("A", Set.of("r1", "r2"), "ordered by ana: motors"))
        .isInstanceOf(RobotsLeasedException.class)
        .hasMessage("target: 1 of its 2 robots belong to another rollout (1 in running rollout B); a robot belongs to"
            + " one running rollout at a time: wait for it to end or abort it");

    RolloutRecord unchanged = registry.rollouts().rollout("A").orElseThrow();
    assertThat(unchanged.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(unchanged.rollbackOrderedAt()).isNull();
    assertThat(registry.leases().leasedRobots("A")).isEmpty();
    assertThat(registry.events().events("A")).hasSize(events);
  }

  /** Eight starts on the same robots at the same instant. */
  @OnEachDatabase
  void ofConcurrentStartsOnTheSameRobotsExactlyOneWins(Jdbi jdbi) throws Exception {
    RegistryFixtures.Repositories registry = registry(jdbi);
    int starts = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(starts);
    List<Future<String>> outcomes = new ArrayList<>();
    try {
      for (String id : IntStream.rangeClosed(1, starts).mapToObj(i -> "race-" + i).toList()) {
        Callable<String> start = () -> {
          go.await();
          try {
            registry.rollouts().createRollout(rollout(id), Set.of("r1", "r2", "r3", "r4"));
            return "started " + id;
          } catch (RobotsLeasedException refused) {
            return "refused: " + refused.getMessage();
          }
        };
        outcomes.add(threads.submit(start));
      }
      go.countDown();
      List<String> results = new ArrayList<>();
      for (Future<String> outcome : outcomes) {
        results.add(outcome.get());
      }

      List<String> started = results.stream().filter(r -> r.startsWith("started")).toList();
      assertThat(started).hasSize(1);
      String winner = started.get(0).substring("started ".length());
      assertThat(results).filteredOn(r -> r.startsWith("refused")).hasSize(starts - 1)
          .allMatch(r -> r.startsWith("refused: target: 4 of its 4 robots belong to another rollout (4 in running"
              + " rollout " + winner + ")"));
      assertThat(registry.leases().leasedRobots(winner)).containsExactly("r1", "r2", "r3", "r4");
      assertThat(registry.rollouts().rollouts(new RolloutQuery(Set.of(), null, null, 10)))
          .extracting(RolloutRecord::rolloutId).containsExactly(winner);
    } finally {
      threads.shutdownNow();
    }
  }
}
