package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static io.otaflow.registry.RegistryFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;
import io.otaflow.robot.RobotUpdateState;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.rollout.RolloutStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetRegistryTest {

  private Jdbi jdbi;
  private RegistryFixtures.TestClock clock;
  private FleetRegistry registry;

  @BeforeEach
  void setUp() {
    jdbi = RegistryFixtures.memoryDb();
    clock = new RegistryFixtures.TestClock(T0);
    registry = new FleetRegistry(jdbi, clock);
  }

  @Test
  void registersAndUpdatesRobots() {
    registry.registerRobot("r2", Map.of("site", "oslo"), "1.0.0");
    registry.registerRobot("r1", Map.of("site", "berlin", "model", "mk2"), "1.0.0");
    clock.advance(Duration.ofMinutes(1));
    registry.registerRobot("r1", Map.of("site", "paris"), "1.1.0");

    RobotRecord r1 = registry.robot("r1").orElseThrow();
    assertThat(r1.labels()).isEqualTo(Map.of("site", "paris"));
    assertThat(r1.installedVersion()).isEqualTo("1.1.0");
    assertThat(r1.registeredAt()).isEqualTo(T0);
    assertThat(r1.lastSeenAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(registry.robots()).extracting(RobotRecord::robotId).containsExactly("r1", "r2");
    assertThat(registry.robot("nope")).isEmpty();
  }

  @Test
  void keepsTheAgentVersionWhenARegistrationDoesNotNameOne() {
    registry.registerRobot("r1", Map.of("site", "oslo"), null, "0.1.0");
    assertThat(registry.robot("r1").orElseThrow().agentVersion()).isEqualTo("0.1.0");
    assertThat(registry.robot("r1").orElseThrow().installedVersion()).isNull();

    registry.registerRobot("r1", Map.of("site", "oslo"), "1.0.0");
    assertThat(registry.robot("r1").orElseThrow().agentVersion()).isEqualTo("0.1.0");

    registry.registerRobot("r1", Map.of("site", "oslo"), "1.0.0", "0.2.0");
    assertThat(registry.robot("r1").orElseThrow().agentVersion()).isEqualTo("0.2.0");
  }

  @Test
  void registersReleasesOnce() {
    registry.registerRelease(release("1.4.0"));
    registry.registerRelease(release("1.4.0")); // same again: no-op
    registry.registerRelease(release("2.0.0-rc.1"));

    assertThat(registry.release("1.4.0")).contains(release("1.4.0"));
    assertThat(registry.releases()).extracting(Release::version).containsExactly("1.4.0", "2.0.0-rc.1");
    assertThat(registry.release("9.9.9")).isEmpty();

    Release changed = new Release("1.4.0", release("1.4.0").artifactUrl(), "b".repeat(64), 4096, "fixes");
    assertThatThrownBy(() -> registry.registerRelease(changed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different artifact");
  }

  @Test
  void refusesAnInvalidReleaseNamingTheField() {
    assertThatThrownBy(() -> registry.registerRelease(release("v1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("release.version");
    assertThat(registry.releases()).isEmpty();
  }

  @Test
  void matchesRobotsByFleetLabelsAndIds() {
    registry.registerRobot("r1", Map.of("site", "berlin", "model", "mk2"), "1.0.0");
    registry.registerRobot("r2", Map.of("site", "berlin", "model", "mk1"), "1.0.0");
    registry.registerRobot("r3", Map.of("site", "oslo", "model", "mk2"), "1.0.0");

    assertThat(registry.matchingRobots(TargetSelector.wholeFleet())).containsExactly("r1", "r2", "r3");
    assertThat(registry.matchingRobots(new TargetSelector(Map.of("site", "berlin"), null)))
        .containsExactly("r1", "r2");
    assertThat(registry.matchingRobots(new TargetSelector(Map.of("site", "berlin", "model", "mk2"), null)))
        .containsExactly("r1");
    assertThat(registry.matchingRobots(new TargetSelector(Map.of("site", "rome"), null))).isEmpty();
    assertThat(registry.matchingRobots(new TargetSelector(null, List.of("r3", "r1")))).containsExactly("r1", "r3");

    assertThatThrownBy(() -> registry.matchingRobots(new TargetSelector(null, List.of("r1", "r99", "r98"))))
        .isInstanceOf(UnknownRobotException.class)
        .hasMessage("unknown robot(s): r99, r98")
        .satisfies(e -> assertThat(((UnknownRobotException) e).robotIds()).containsExactly("r99", "r98"));
  }

  @Test
  void createsRolloutsAndKeepsTheirPlan() {
    registry.registerRelease(release("1.4.0"));
    RolloutRequest request = new RolloutRequest("ro-1", release("1.4.0"), RegistryFixtures.fourStagePlan(),
        new TargetSelector(Map.of("site", "berlin"), List.of()));
    registry.createRollout(request);
    clock.advance(Duration.ofSeconds(1));
    registry.createRollout(new RolloutRequest("ro-2", release("1.4.0"), RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet()));

    assertThat(registry.rollout("ro-1")).contains(
        new RolloutRecord("ro-1", "1.4.0", RolloutStatus.PENDING, null, null, T0, T0));
    assertThat(registry.rollouts()).extracting(RolloutRecord::rolloutId).containsExactly("ro-2", "ro-1");
    // Durations and nested records survive the JSON round trip.
    assertThat(registry.rolloutRequest("ro-1")).contains(request);
    assertThat(registry.rolloutEvents("ro-1")).singleElement()
        .satisfies(e -> assertThat(e.status()).isEqualTo("PENDING"));

    assertThatThrownBy(() -> registry.createRollout(request))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rollout ro-1 already exists");
    assertThatThrownBy(() -> registry.createRollout(new RolloutRequest("ro-3", release("3.0.0"),
        RegistryFixtures.fourStagePlan(), TargetSelector.wholeFleet())))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown release 3.0.0");
  }

  @Test
  void recordsRolloutStatusOnTheRowAndInTheLog() {
    registry.registerRelease(release("1.4.0"));
    registry.createRollout(new RolloutRequest("ro-1", release("1.4.0"), RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet()));
    clock.advance(Duration.ofMinutes(2));

    registry.recordRolloutStatus("ro-1", RolloutStatus.RUNNING, "canary", null);
    registry.recordRolloutStatus("ro-1", RolloutStatus.ROLLED_BACK, "10%", "stage 10% missed its threshold");
    registry.recordRolloutStatus("ro-1", RolloutStatus.ROLLED_BACK, "10%", "stage 10% missed its threshold");

    assertThat(registry.rollout("ro-1")).contains(new RolloutRecord("ro-1", "1.4.0", RolloutStatus.ROLLED_BACK,
        "10%", "stage 10% missed its threshold", T0, T0.plus(Duration.ofMinutes(2))));
    assertThat(registry.rolloutEvents("ro-1")).extracting(RolloutEventRecord::status)
        .containsExactly("PENDING", "RUNNING", "ROLLED_BACK", "ROLLED_BACK");
    String raw = jdbi.withHandle(h -> h.createQuery("SELECT status FROM rollouts WHERE rollout_id = 'ro-1'")
        .mapTo(String.class).one());
    assertThat(raw).isEqualTo("ROLLED_BACK");
  }

  @Test
  void recordsRobotStateAndInstalledVersion() {
    registry.registerRobot("r1", Map.of(), "1.0.0");
    clock.advance(Duration.ofMinutes(3));

    registry.recordRobotState("ro-1", "r1", RobotUpdateState.DOWNLOADING, null, null);
    assertThat(registry.robot("r1").orElseThrow().installedVersion()).isEqualTo("1.0.0");
    registry.recordRobotState("ro-1", "r1", RobotUpdateState.COMMITTED, null, "1.4.0");

    RobotRecord robot = registry.robot("r1").orElseThrow();
    assertThat(robot.installedVersion()).isEqualTo("1.4.0");
    assertThat(robot.lastSeenAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(registry.rolloutRobots("ro-1")).containsExactly(
        new RolloutRobotRecord("r1", -1, RobotUpdateState.COMMITTED, null, T0.plus(Duration.ofMinutes(3))));
    assertThat(registry.rolloutRobotCounts("ro-1"))
        .containsEntry(RobotUpdateState.COMMITTED, 1).containsEntry(RobotUpdateState.PENDING, 0);
    assertThat(registry.rolloutEvents("ro-1")).extracting(RolloutEventRecord::robotId, RolloutEventRecord::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("r1", "DOWNLOADING"),
            org.assertj.core.groups.Tuple.tuple("r1", "COMMITTED"));
    String raw = jdbi.withHandle(h -> h.createQuery("SELECT state FROM rollout_robots WHERE robot_id = 'r1'")
        .mapTo(String.class).one());
    assertThat(raw).isEqualTo("COMMITTED");
  }
}
