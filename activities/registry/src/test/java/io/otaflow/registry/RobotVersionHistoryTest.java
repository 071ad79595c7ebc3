package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.fleet.OfflineInstallReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

/**
 * A robot's installed-version changes: those its rollouts make (commits and rollbacks, stored with the robot's state),
 * and offline installs it reports (every one audited, version changes in its history, once each).
 */
class RobotVersionHistoryTest {

  private RobotVersionHistory history;
  private AuditLog audit;
  private RobotRepository robots;
  private RolloutRobotRepository rolloutRobots;
  private RegistryFixtures.TestClock clock;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    clock = new RegistryFixtures.TestClock(T0);
    history = new RobotVersionHistory(jdbi, clock);
    audit = new AuditLog(jdbi, clock);
    robots = new RobotRepository(jdbi, clock);
    rolloutRobots = new RolloutRobotRepository(jdbi, clock);
  }

  @OnEachDatabase
  void aRolloutsCommitAndRollbackAreChangesAndARepeatedOrUnchangedStateIsNot() {
    robots.registerRobot("r1", Map.of(), "1.0.0", null);
    robots.registerRobot("fresh", Map.of(), null, null);

    rolloutRobots.recordOutcome("up", "r1", RobotUpdateState.COMMITTED, null, "2.0.0");
    rolloutRobots.recordOutcome("up", "r1", RobotUpdateState.COMMITTED, null, "2.0.0"); // a local activity run again
    clock.advance(Duration.ofMinutes(5));
    rolloutRobots.recordOutcome("up", "r1", RobotUpdateState.ROLLED_BACK, "rollout rolled back: stage failed",
        "1.0.0");
    rolloutRobots.recordOutcome("up", "fresh", RobotUpdateState.COMMITTED, null, "2.0.0");
    rolloutRobots.recordOutcome("up", "ghost", RobotUpdateState.COMMITTED, null, "2.0.0");

    assertThat(history.of("r1")).containsExactly(
        new RobotVersionHistory.Change("r1", "2.0.0", "1.0.0", RobotVersionHistory.ROLLOUT, "COMMITTED",
            "rollout up", T0),
        new RobotVersionHistory.Change("r1", "1.0.0", "2.0.0", RobotVersionHistory.ROLLOUT, "ROLLED_BACK",
            "rollout up: rollout rolled back: stage failed", T0.plus(Duration.ofMinutes(5))));
    assertThat(history.of("fresh")).as("a robot with no release before").singleElement()
        .satisfies(change -> assertThat(change.previousVersion()).isNull());
    assertThat(history.of("ghost")).as("a robot the registry does not know").isEmpty();
  }

  @OnEachDatabase
  void committedInstallIsAVersionChangeAndARefusedOneOnlyAnAuditEntry() {
    OfflineInstallReport committed = new OfflineInstallReport("2.0.0", "1.0.0", "2.0.0", "COMMITTED",
        "2.0.0 committed after 3 healthy round(s) over 60.0 s", T0.minus(Duration.ofHours(2)));
    OfflineInstallReport refused = new OfflineInstallReport("1.5.0", "2.0.0", "2.0.0", "REFUSED",
        "verify: manifest: release number 3 is lower than installed 5", T0.minus(Duration.ofHours(1)));

    history.recordOfflineInstalls("r1", List.of(committed, refused));
    history.recordOfflineInstalls("r1", List.of(committed, refused)); // the registration retried

    assertThat(history.of("r1")).containsExactly(new RobotVersionHistory.Change("r1", "2.0.0", "1.0.0",
        RobotVersionHistory.OFFLINE_INSTALL, "COMMITTED", committed.reason(), committed.at()));
    List<AuditRecord> audited = audit.page(new AuditQuery(null, "robot:r1", null, null, 10));
    assertThat(audited).extracting(AuditRecord::action).containsOnly(RobotVersionHistory.OFFLINE_INSTALL_ACTION);
    assertThat(audited).extracting(AuditRecord::reason).containsExactlyInAnyOrder(
        "offline install of 2.0.0 at " + committed.at() + ": COMMITTED: " + committed.reason(),
        "offline install of 1.5.0 at " + refused.at() + ": REFUSED: " + refused.reason());
    assertThat(history.of("r2")).isEmpty();
  }
}
