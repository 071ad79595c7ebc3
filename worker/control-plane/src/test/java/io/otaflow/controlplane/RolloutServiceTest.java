package io.otaflow.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.AnalysisCheck;
import io.otaflow.plan.InconclusiveAction;
import io.otaflow.plan.InvalidPlanException;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StageAnalysis;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.SuccessCondition;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.FleetDatabase;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.ReleaseRepository;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutQuery;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.registry.UnknownRobotException;
import io.otaflow.release.Release;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRequest;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Everything a person can get wrong is refused before a rollout is recorded or a workflow starts. */
class RolloutServiceTest {

  private static final Release RELEASE = new Release("2.0.0", "http://127.0.0.1:1/robot-2.0.0.tar.gz",
      "c".repeat(64), 4096, "", null);
  private static final RolloutPlan PLAN = new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 1.0)),
      5, Duration.ofMinutes(1), 1, Duration.ZERO);

  private TestWorkflowEnvironment temporal;
  private RolloutRepository rollouts;
  private ReleaseRepository releases;
  private RolloutService service;

  @BeforeEach
  void setUp() {
    temporal = TestWorkflowEnvironment.newInstance();
    Jdbi db = FleetDatabase.open("jdbc:h2:mem:svc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    RobotRepository robots = new RobotRepository(db, Clock.systemUTC());
    robots.registerRobot("r1", Map.of("site", "lyon"), "1.0.0", null);
    rollouts = new RolloutRepository(db, Clock.systemUTC());
    KillSwitch killSwitch = new KillSwitch(new KillSwitchRepository(db, Clock.systemUTC()), rollouts,
        temporal.getWorkflowClient());
    releases = new ReleaseRepository(db, Clock.systemUTC());
    service = new RolloutService(robots, releases, rollouts,
        new RolloutRobotRepository(db, Clock.systemUTC()), temporal.getWorkflowClient(), killSwitch, null,
        false);
  }

  @AfterEach
  void tearDown() {
    temporal.close();
  }

  @Test
  void invalidPlanIsRefusedNamingTheField() {
    service.registerRelease(RELEASE);
    RolloutPlan backwards = new RolloutPlan(List.of(StagePlan.percent("half", 50, Duration.ZERO, 1.0),
        StagePlan.percent("quarter", 25, Duration.ZERO, 1.0)), 5, Duration.ofMinutes(1), 1, Duration.ZERO);

    assertThatThrownBy(() -> service.startRollout("ro-1", "2.0.0", backwards, TargetSelector.wholeFleet(), "ana"))
        .isInstanceOf(InvalidPlanException.class).hasMessageStartingWith("stages[1].percent: ");
    assertThat(rollouts.rollouts(new RolloutQuery(Set.of(), null, null, 10))).isEmpty();
  }

  @Test
  void planWithAnalysisIsRefusedWithoutAPrometheusToQuery() {
    service.registerRelease(RELEASE);
    RolloutPlan analysed = new RolloutPlan(List.of(StagePlan.percent("all", 100, Duration.ZERO, 1.0)
        .withAnalysis(new StageAnalysis(List.of(new AnalysisCheck("error-rate", "sum(rate(errors_total[5m]))",
            new SuccessCondition("<", 0.05), Duration.ofMinutes(1), 3, 0, InconclusiveAction.PAUSE))))),
        5, Duration.ofMinutes(1), 1, Duration.ZERO);

    assertThatThrownBy(() -> service.startRollout("ro-1", "2.0.0", analysed, TargetSelector.wholeFleet(), "ana"))
        .isInstanceOf(InvalidPlanException.class).hasMessage("stages[0].analysis: this control plane has no"
            + " Prometheus to query: start it with --prometheus-url URL (otaflow.analysis.prometheus-url)");
    assertThat(rollouts.rollouts(new RolloutQuery(Set.of(), null, null, 10))).isEmpty();
  }

  @Test
  void unregisteredReleaseIsRefused() {
    assertThatThrownBy(() -> service.startRollout("ro-1", "2.0.0", PLAN, TargetSelector.wholeFleet(), "ana"))
        .isInstanceOf(UnknownReleaseException.class)
        .hasMessage("release 2.0.0 is not registered; register it before starting a rollout");
    assertThat(rollouts.rollouts(new RolloutQuery(Set.of(), null, null, 10))).isEmpty();
  }

  @Test
  void unknownRobotIsRefusedByName() {
    service.registerRelease(RELEASE);

    assertThatThrownBy(() -> service.startRollout("ro-1", "2.0.0", PLAN,
        new TargetSelector(Map.of(), List.of("r1", "r404")), "ana")).isInstanceOf(UnknownRobotException.class)
        .hasMessage("unknown robot(s): r404");
    assertThat(rollouts.rollouts(new RolloutQuery(Set.of(), null, null, 10))).isEmpty();
  }

  @Test
  void targetMatchingNoRobotIsRefused() {
    service.registerRelease(RELEASE);

    assertThatThrownBy(() -> service.startRollout("ro-1", "2.0.0", PLAN,
        new TargetSelector(Map.of("site", "oslo"), List.of()), "ana"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("target: no registered robot matches");
    assertThat(rollouts.rollouts(new RolloutQuery(Set.of(), null, null, 10))).isEmpty();
  }

  @Test
  void invalidReleaseIsRefusedNamingTheField() {
    assertThatThrownBy(() -> service.registerRelease(new Release("2.0", RELEASE.artifactUrl(), RELEASE.sha256(),
        RELEASE.sizeBytes(), "", null)))
        .hasMessage("release.version: '2.0' is not a semantic version (like 1.2.3)");
    assertThat(releases.releases()).isEmpty();
  }

  @Test
  void labelsWithoutASigningKeyAreRefusedInsteadOfIgnored() {
    assertThatThrownBy(() -> service.registerRelease(RELEASE, Map.of("model", "mk2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("labels: only a signed manifest carries target labels");
    assertThat(releases.releases()).isEmpty();
  }

  @Test
  void progressOfARunningRolloutWhoseWorkflowDoesNotAnswerFailsAfterAskingAgain() {
    service.registerRelease(RELEASE);
    rollouts.createRollout(new RolloutRequest("silent", RELEASE, PLAN, TargetSelector.wholeFleet(), "ana"), Set.of("r1"));
    rollouts.recordRolloutStatus("silent", RolloutStatus.RUNNING, "all", null);

    assertThatThrownBy(() -> service.progress("silent")).isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void progressOfAnEndedRolloutWhoseWorkflowIsGoneComesFromTheRegistry() {
    service.registerRelease(RELEASE);
    rollouts.createRollout(new RolloutRequest("gone", RELEASE, PLAN, TargetSelector.wholeFleet(), "ana"), Set.of("r1"));
    rollouts.recordRolloutStatus("gone", RolloutStatus.ABORTED, "all", "stopped by hand");

    RolloutProgress progress = service.progress("gone");

    assertThat(progress.status()).isEqualTo(RolloutStatus.ABORTED);
    assertThat(progress.reason()).isEqualTo("stopped by hand");
  }
}
