package io.otaflow.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.cli.chaos.KillSchedule.Victim;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.robot.fixtures.BuiltArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite: {@link ChaosScenario}'s rollouts over Temporal's test server, the control plane and ten agents,
 * each its own process, while {@link KillExecutor} makes the {@link KillSchedule} the seed fixes ({@code kill -9} of
 * the control plane and of agents at every moment of a rollout, each process started again); then
 * {@link InvariantChecker} holds the system to its promises. Re-run one schedule with
 * {@code -Dotaflow.chaos.seed=N}. Logs of every process stay in the temporary directory when it fails.
 */
class ChaosIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  /** Closed in reverse order, whatever the test got to start. */
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

  @AfterEach
  void stopEverything() throws Exception {
    while (!toClose.isEmpty()) {
      toClose.pop().close();
    }
  }

  @Test
  void everyRolloutKeepsItsPromisesThroughSeededKills() throws Exception {
    long started = System.nanoTime();
    KillSchedule schedule = KillSchedule.of(KillSchedule.seedFromSystemProperty(), ChaosScenario.slots());
    System.out.print(schedule);
    ArtifactServer artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")))
        .throttle(ChaosScenario.DOWNLOAD_BYTES_PER_SECOND);
    toClose.push(artifacts);
    Map<String, BuiltArtifact> releases = ChaosScenario.buildReleases(artifacts);
    Map<String, Path> releaseTrees = ChaosScenario.unpacked(releases, dir.resolve("reference"));
    ChaosRegistry registry = ChaosRegistry.fromEnvironment();
    toClose.push(registry);
    ChaosFleet fleet = new ChaosFleet(dir, ChaosScenario.groups(), registry);
    toClose.push(fleet);
    fleet.start(releases.get(ChaosScenario.FACTORY).path(), ChaosScenario.FACTORY);
    WorkflowSteps temporal = new WorkflowSteps(fleet.temporalTarget());
    toClose.push(temporal);
    ChaosApi api = new ChaosApi(fleet.api(), fleet.adminToken());
    KillLog kills = new KillLog();
    InvariantChecker invariants = new InvariantChecker();
    System.out.printf("chaos: fleet up after %.1f s, registry on %s, logs in %s%n",
        (System.nanoTime() - started) / 1e9, registry, dir);

    ChaosScenario scenario = new ChaosScenario(fleet, api, temporal, schedule,
        new KillExecutor(fleet, temporal, kills), invariants);
    try {
      scenario.run(artifacts, releases);
      invariants.disksMatchRegistry(fleet, api, releaseTrees);
      invariants.oneRolloutAtATime(ChaosScenario.rollouts(), fleet.robots(), temporal);
      invariants.robotsNeverRefusedAnotherRollout(fleet);
      invariants.registryMatchesWorkflows(ChaosScenario.rollouts(), temporal, api);
    } finally {
      System.out.printf("chaos: seed %d, %.0f s; %d kills survived (restarted: control plane %d times, agents %d "
              + "times, %d of them after exiting by themselves); %d invariant checks%n%s%s", schedule.seed(),
          (System.nanoTime() - started) / 1e9, kills.entries().size(), fleet.controlPlaneStarts() - 1,
          fleet.agentStarts() - fleet.robots().size(), fleet.agentsExitedByThemselves(), invariants.checkCount(),
          kills.table(), invariants.summary());
    }
    assertThat(invariants.violations()).isEmpty();
    assertThat(scenario.failedKills()).as("kills that could not be made").isEmpty();
    assertThat(kills.entries()).extracting(entry -> entry.kill().number())
        .containsExactlyElementsOf(schedule.kills().stream().map(KillSchedule.Kill::number).toList());
    for (Moment moment : Moment.values()) {
      assertThat(kills.count(Victim.CONTROL_PLANE, moment)).as("control plane kills at " + moment).isPositive();
      assertThat(kills.count(Victim.AGENT, moment)).as("agent kills at " + moment).isGreaterThanOrEqualTo(2);
    }
  }
}
