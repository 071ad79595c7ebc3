package io.otaflow.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StagePlannerTest {

  private static final Duration BAKE = Duration.ofMinutes(10);

  private static RolloutPlan plan(StagePlan... stages) {
    return new RolloutPlan(List.of(stages), 5, Duration.ofMinutes(5), 3, Duration.ofMinutes(2));
  }

  /** canary 1 → 10% → 50% → 100%. */
  private static RolloutPlan standard() {
    return plan(StagePlan.canary("canary", 1, BAKE, 1.0), StagePlan.percent("10%", 10, BAKE, 0.9),
        StagePlan.percent("50%", 50, BAKE, 0.9), StagePlan.percent("100%", 100, BAKE, 0.9));
  }

  /** canary 1 → 10% → 50%: half the fleet stays on its current release. */
  private static RolloutPlan halfFleet() {
    return plan(StagePlan.canary("canary", 1, BAKE, 1.0), StagePlan.percent("10%", 10, BAKE, 0.9),
        StagePlan.percent("50%", 50, BAKE, 0.9));
  }

  private static List<String> robots(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("r%03d", i)).toList();
  }

  private static List<String> flatten(List<List<String>> stages) {
    List<String> all = new ArrayList<>();
    stages.forEach(all::addAll);
    return all;
  }

  @Test
  void splitsFiftyRobotsIntoCanaryThenCumulativeShares() {
    assertThat(StagePlanner.stageSizes(50, standard())).containsExactly(1, 4, 20, 25);
  }

  @Test
  void threeRobotsFillTheStagesInOrderWithoutNegativeSizes() {
    assertThat(StagePlanner.stageSizes(3, standard())).containsExactly(1, 0, 1, 1);
  }

  @Test
  void oneRobotIsTheWholeCanary() {
    assertThat(StagePlanner.stageSizes(1, standard())).containsExactly(1, 0, 0, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 7, 10, 11, 50, 99})
  void sizesAreNeverNegativeAndCoverTheFleetExactly(int fleetSize) {
    List<Integer> sizes = StagePlanner.stageSizes(fleetSize, standard());

    assertThat(sizes).hasSize(4).allSatisfy(size -> assertThat(size).isNotNegative());
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(fleetSize);
  }

  @Test
  void canaryLargerThanTheFleetTakesOnlyTheFleet() {
    RolloutPlan plan = plan(StagePlan.canary("canary", 5, BAKE, 1.0), StagePlan.percent("100%", 100, BAKE, 0.9));

    assertThat(StagePlanner.stageSizes(3, plan)).containsExactly(3, 0);
  }

  @Test
  void planEndingAtFiftyPercentLeavesTheRestOut() {
    List<String> fleet = robots(50);

    assertThat(StagePlanner.stageSizes(50, halfFleet())).containsExactly(1, 4, 20);
    List<List<String>> stages = StagePlanner.assign("rollout-half", fleet, halfFleet());
    assertThat(stages).extracting(List::size).containsExactly(1, 4, 20);
    assertThat(flatten(stages)).hasSize(25).doesNotHaveDuplicates().isSubsetOf(fleet);
  }

  @Test
  void assignIsDeterministic() {
    List<String> fleet = robots(50);

    List<List<String>> first = StagePlanner.assign("rollout-1", fleet, standard());
    List<List<String>> again = StagePlanner.assign("rollout-1", new ArrayList<>(fleet), standard());
    List<String> shuffled = new ArrayList<>(fleet);
    Collections.reverse(shuffled);

    assertThat(again).isEqualTo(first);
    assertThat(StagePlanner.assign("rollout-1", shuffled, standard()))
        .as("the order robots are listed in does not matter")
        .isEqualTo(first);
  }

  @Test
  void differentRolloutsPickDifferentCanaries() {
    List<String> fleet = robots(50);
    Set<List<String>> canaries = new HashSet<>();
    for (int i = 1; i <= 5; i++) {
      canaries.add(StagePlanner.assign("rollout-" + i, fleet, standard()).get(0));
    }

    assertThat(canaries).as("canaries of five rollouts").hasSizeGreaterThan(1);
  }

  @Test
  void everyRobotIsAssignedExactlyOnceWhenThePlanReachesTheWholeFleet() {
    List<String> fleet = robots(50);

    List<List<String>> stages = StagePlanner.assign("rollout-1", fleet, standard());

    assertThat(stages).extracting(List::size).containsExactly(1, 4, 20, 25);
    assertThat(flatten(stages)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(fleet);
  }

  @Test
  void assignmentsOfSmallFleetsUseEveryRobotOnce() {
    for (int size : new int[] {1, 3}) {
      List<String> fleet = robots(size);

      List<List<String>> stages = StagePlanner.assign("rollout-small", fleet, standard());

      assertThat(flatten(stages)).as("fleet of %d", size)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(fleet);
    }
  }

  @Test
  void rolloutOrderIsAPermutationOfTheFleet() {
    List<String> fleet = robots(20);

    assertThat(StagePlanner.rolloutOrder("rollout-1", fleet)).containsExactlyInAnyOrderElementsOf(fleet);
  }
}
