package io.otaflow.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.cli.chaos.KillExecutor.Trap;
import io.otaflow.cli.chaos.KillSchedule.Kill;
import io.otaflow.cli.chaos.Slot.Kind;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.rollout.RolloutProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The story the suite tells, kills aside. Ten robots on a factory release, in two groups. First, side by side:
 * {@code alpha} takes group a to 1.0.0 (SUCCEEDED) and {@code hot} takes group b to 2.0.0, on which the two first
 * robots of its last stage run hot: that stage misses its threshold, and the rollout rolls back every robot it updated
 * (ROLLED_BACK). A start over robots of both is refused meanwhile. Then {@code beta} takes the whole fleet to 1.1.0
 * (SUCCEEDED). Last, a release manager orders {@code beta} rolled back after it ended: its rollback workflow switches
 * every robot back to the release it ran before (ROLLED_BACK). A phase starts once the one before has ended; each
 * phase's kills are armed before its rollouts start.
 *
 * <p>Plans are tiny (a canary, then everyone; 3 s bakes; two health checks 3 s apart), artifacts small and downloads
 * throttled to about 2.6 s, so that each moment lasts long enough to be seen.
 *
 */
final class ChaosScenario {

  static final String FACTORY = "0.9.0";
  /** How long a phase's rollouts and kills may take, from the start of its rollouts. */
  static final Duration PHASE_LIMIT = Duration.ofMinutes(4);
  static final long DOWNLOAD_BYTES_PER_SECOND = 100 * 1024;
  /** Every stage's bake. */
  static final Duration BAKE = Duration.ofSeconds(3);
  private static final List<String> GROUP_A = List.of("r01", "r02", "r03", "r04", "r05");
  private static final List<String> GROUP_B = List.of("r06", "r07", "r08", "r09", "r10");

  /**
   * A rollout of the scenario.
   *
   * @param hotRobots       how many robots of its last stage run hot on its release (failing their health gate)
   * @param rollbackOrdered the rollout ended in an earlier phase; this phase orders its rollback
   */
  record Rollout(String id, String release, List<String> robots, RolloutPlan plan, int hotRobots,
                 RolloutStatus expected, boolean rollbackOrdered) {

    Rollout(String id, String release, List<String> robots, RolloutPlan plan, int hotRobots, RolloutStatus expected) {
      this(id, release, robots, plan, hotRobots, expected, false);
    }

    /** The same rollout, once a release manager ordered it rolled back after it ended. */
    Rollout rolledBackAfterItEnded() {
      return new Rollout(id, release, robots, plan, 0, RolloutStatus.ROLLED_BACK, true);
    }

    /** The workflow that runs this phase of it: the rollout's own, or the rollback ordered after it ended. */
    String workflowId() {
      return rollbackOrdered ? OtaflowNames.rolloutRollbackWorkflowId(id) : OtaflowNames.rolloutWorkflowId(id);
    }

    List<List<String>> stages() {
      return StagePlanner.assign(id, robots, plan);
    }

    List<String> hot() {
      List<String> last = stages().get(stages().size() - 1);
      return last.subList(0, hotRobots);
    }
  }

  /** Rollouts started together; the next phase starts once all have ended. */
  record Phase(List<Rollout> rollouts) {
  }

  private static final Rollout BETA = new Rollout("beta", "1.1.0",
      Stream.concat(GROUP_A.stream(), GROUP_B.stream()).toList(), plan(1), 0, RolloutStatus.SUCCEEDED);

  static final List<Phase> PHASES = List.of(
      new Phase(List.of(
          new Rollout("alpha", "1.0.0", GROUP_A, plan(1), 0, RolloutStatus.SUCCEEDED),
          new Rollout("hot", "2.0.0", GROUP_B, plan(2), 2, RolloutStatus.ROLLED_BACK))),
      new Phase(List.of(BETA)),
      new Phase(List.of(BETA.rolledBackAfterItEnded())));

  /** A canary of {@code canary} robots, then everyone. */
  private static RolloutPlan plan(int canary) {
    return new RolloutPlan(List.of(StagePlan.canary("canary", canary, BAKE, 1.0),
        StagePlan.percent("everyone", 100, BAKE, 1.0)), 10, Duration.ofMinutes(3), 2, Duration.ofSeconds(3),
        Duration.ofMinutes(1));
  }

  /** Each robot's {@code group} label. */
  static Map<String, String> groups() {
    Map<String, String> groups = new LinkedHashMap<>();
    GROUP_A.forEach(robot -> groups.put(robot, "a"));
    GROUP_B.forEach(robot -> groups.put(robot, "b"));
    return groups;
  }

  /** Each rollout once (a rollback ordered after it ended is part of it). */
  static List<Rollout> rollouts() {
    return PHASES.stream().flatMap(phase -> phase.rollouts().stream()).filter(rollout -> !rollout.rollbackOrdered())
        .toList();
  }

  /** Every place a kill can land, in the order the scenario reaches them. */
  static List<Slot> slots() {
    List<Slot> slots = new ArrayList<>();
    for (int index = 0; index < PHASES.size(); index++) {
      Phase phase = PHASES.get(index);
      int p = index;
      boolean beside = phase.rollouts().size() > 1;
      for (Rollout rollout : phase.rollouts()) {
        if (rollout.rollbackOrdered()) {
          rollout.robots().forEach(robot -> slots.add(
              new Slot(rollout.id(), p, 0, robot, Kind.ROLLED_BACK_BY_ROLLOUT, beside)));
          continue;
        }
        List<List<String>> stages = rollout.stages();
        List<String> hot = rollout.hot();
        int failing = hot.isEmpty() ? stages.size() : stages.size() - 1;
        for (int stage = 0; stage < stages.size(); stage++) {
          for (String robot : stages.get(stage)) {
            slots.add(new Slot(rollout.id(), p, stage, robot, Kind.BEFORE_APPLY, beside));
            if (hot.contains(robot)) {
              slots.add(new Slot(rollout.id(), p, stage, robot, Kind.HOT_FROM_APPLY, beside));
            } else if (stage < failing) {
              // In the failing stage, the first hot robot's failed gate stops the others' updates: their health gate
              // or commit may never come.
              slots.add(new Slot(rollout.id(), p, stage, robot, Kind.FROM_APPLY, beside));
            }
          }
          for (String robot : stage < failing ? stages.get(stage) : List.<String>of()) {
            slots.add(new Slot(rollout.id(), p, stage, robot, Kind.BAKE, beside));
          }
        }
        for (int stage = 0; stage < stages.size() && failing < stages.size(); stage++) {
          for (String robot : stages.get(stage)) {
            if (!hot.contains(robot)) {
              slots.add(new Slot(rollout.id(), p, stage, robot, Kind.ROLLED_BACK_BY_ROLLOUT, beside));
            }
          }
        }
      }
    }
    return slots;
  }

  /** The factory release and every rollout's release, built into the artifact server's directory, by version. */
  static Map<String, BuiltArtifact> buildReleases(ArtifactServer artifacts) {
    Map<String, BuiltArtifact> releases = new LinkedHashMap<>();
    releases.put(FACTORY, ReleaseArtifacts.build(artifacts.directory().resolve(fileName(FACTORY)), FACTORY));
    for (Rollout rollout : rollouts()) {
      releases.put(rollout.release(), ReleaseArtifacts.build(
          artifacts.directory().resolve(fileName(rollout.release())), rollout.release()));
    }
    return releases;
  }

  /** Each release unpacked once under {@code dir}: what a complete slot of it holds. */
  static Map<String, Path> unpacked(Map<String, BuiltArtifact> releases, Path dir) {
    Map<String, Path> trees = new LinkedHashMap<>();
    releases.forEach((version, artifact) -> {
      RobotDisk reference = RobotDisk.seed(dir.resolve(version), artifact.path(), version);
      trees.put(version, reference.slot(reference.readState().activeSlot()));
    });
    return trees;
  }

  private static String fileName(String version) {
    return "robot-" + version + ".tar.gz";
  }

  private final ChaosFleet fleet;
  private final ChaosApi api;
  private final WorkflowSteps temporal;
  private final KillSchedule schedule;
  private final KillExecutor executor;
  private final InvariantChecker invariants;
  private final List<String> failedKills = new ArrayList<>();

  ChaosScenario(ChaosFleet fleet, ChaosApi api, WorkflowSteps temporal, KillSchedule schedule, KillExecutor executor,
                InvariantChecker invariants) {
    this.fleet = fleet;
    this.api = api;
    this.temporal = temporal;
    this.schedule = schedule;
    this.executor = executor;
    this.invariants = invariants;
  }

  /** Registers the rollouts' releases, then runs the phases. */
  void run(ArtifactServer artifacts, Map<String, BuiltArtifact> releases) throws Exception {
    for (Rollout rollout : rollouts()) {
      ChaosApi.Answer answer = api.post("/api/v1/releases", releases.get(rollout.release()).toRelease(
          rollout.release(), artifacts.url(fileName(rollout.release())), "chaos " + rollout.id()));
      require(answer.status() == 201, "registering " + rollout.release() + ": " + answer);
    }
    for (int index = 0; index < PHASES.size(); index++) {
      run(index, PHASES.get(index));
    }
  }

  private void run(int index, Phase phase) throws Exception {
    List<Trap> traps = new ArrayList<>();
    for (Rollout rollout : phase.rollouts()) {
      for (String robot : rollout.hot()) {
        Files.writeString(fleet.chaosDir(robot).resolve("hot-" + rollout.release()), "runs at 93 C");
      }
      for (Kill kill : schedule.in(index, rollout.id())) {
        RobotDiskState robot = fleet.disk(kill.slot().robot()).readState();
        // A rollback ordered after the rollout ended takes the robot from its release back to the one before.
        String from = rollout.rollbackOrdered() ? robot.previousVersion() : robot.installedVersion();
        Trap trap = new Trap(kill, from, rollout.release(), rollout.workflowId());
        executor.arm(trap);
        traps.add(trap);
      }
    }
    long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
    for (Rollout rollout : phase.rollouts()) {
      start(rollout);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, traps.size()));
    List<Future<?>> springs = new ArrayList<>();
    for (Trap trap : traps) {
      springs.add(pool.submit(() -> {
        executor.spring(trap);
        return null;
      }));
    }
    try {
      if (index == 0) {
        startOverlappingRollout(phase);
      }
      Map<Rollout, RolloutStatus> ended = new LinkedHashMap<>();
      for (Rollout rollout : phase.rollouts()) {
        ended.put(rollout, awaitEnd(rollout, deadline));
      }
      failedKills.addAll(awaitKills(springs, deadline));
      fleet.awaitAgents();
      for (Rollout rollout : phase.rollouts()) {
        invariants.rolloutEnded(rollout, ended.get(rollout), registryStatus(rollout));
        if (ended.get(rollout) == RolloutStatus.ROLLED_BACK) {
          invariants.leftNoRobotOnItsRelease(rollout, fleet, api);
        }
      }
    } finally {
      pool.shutdownNow();
      for (Trap trap : traps) {
        executor.disarm(trap);
      }
    }
  }

  /** Why each kill that could not be made failed (its moment never came, or Temporal showed something else). */
  List<String> failedKills() {
    return List.copyOf(failedKills);
  }

  private void start(Rollout rollout) throws InterruptedException {
    if (rollout.rollbackOrdered()) {
      ChaosApi.Answer answer = api.post("/api/v1/rollouts/" + rollout.id() + "/rollback",
          Map.of("reason", "the chaos suite orders it"));
      // 409 after a request sent again: the first one ordered it.
      require(answer.status() == 202 || answer.status() == 409
          && temporal.step(rollout.workflowId()).started(), "ordering the rollback of " + rollout.id() + ": " + answer);
      return;
    }
    ChaosApi.Answer answer = api.post("/api/v1/rollouts", Map.of("rolloutId", rollout.id(), "releaseVersion",
        rollout.release(), "plan", ChaosApi.tree(rollout.plan()), "target", Map.of("robotIds", rollout.robots())));
    // 409 after a request sent again: the first one started it.
    require(answer.status() == 201 || answer.status() == 409 && registryStatus(rollout) != null,
        "starting " + rollout.id() + ": " + answer);
  }

  /** A start over one robot of each running rollout must be refused (409), whatever the kills did to the leases. */
  private void startOverlappingRollout(Phase phase) throws InterruptedException {
    List<String> robots = phase.rollouts().stream().map(rollout -> rollout.robots().get(0)).toList();
    Rollout first = phase.rollouts().get(0);
    ChaosApi.Answer answer = api.post("/api/v1/rollouts", Map.of("rolloutId", "intruder", "releaseVersion",
        first.release(), "plan", ChaosApi.tree(first.plan()), "target", Map.of("robotIds", robots)));
    invariants.overlappingStartRefused("intruder", answer, temporal);
  }

  /** The rollout workflow's final status, or null when it did not end before the deadline. */
  private RolloutStatus awaitEnd(Rollout rollout, long deadline) {
    try {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      return temporal.result(rollout.workflowId(), RolloutProgress.class, left).status();
    } catch (TimeoutException | RuntimeException notEnded) {
      System.out.println("chaos: rollout " + rollout.id() + " did not end: " + notEnded);
      return null;
    }
  }

  /** Waits for every kill of the phase; returns why those that failed did. */
  private static List<String> awaitKills(List<Future<?>> springs, long deadline) throws InterruptedException {
    List<String> failures = new ArrayList<>();
    for (Future<?> spring : springs) {
      try {
        spring.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        failures.add(String.valueOf(e.getCause().getMessage()));
        System.out.println("chaos: kill failed: " + e.getCause());
      } catch (TimeoutException e) {
        failures.add("a kill was not made within " + PHASE_LIMIT);
      }
    }
    return failures;
  }

  private String registryStatus(Rollout rollout) throws InterruptedException {
    for (JsonNode record : api.json("/api/v1/rollouts?limit=1000").get("items")) {
      if (record.get("rolloutId").asText().equals(rollout.id())) {
        return record.get("status").asText();
      }
    }
    return null;
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}
