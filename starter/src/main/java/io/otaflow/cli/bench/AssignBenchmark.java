package io.otaflow.cli.bench;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.JdbiRolloutRegistryActivities;
import io.otaflow.registry.ReleaseRepository;
import io.otaflow.registry.RobotLeases;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.release.Release;
import io.otaflow.rollout.RolloutRequest;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Times the stage assignment of one rollout over a registered fleet, as the rollout's first local activity runs it:
 * the robots leased to the rollout, split by the planner, stored page by page.
 */
final class AssignBenchmark {

  /** The plan of {@code bench rollout}, at its default maxParallel. */
  private static final RolloutPlan PLAN = RolloutBenchmark.plan(200);

  private static final Release RELEASE = new Release("bench-assign-1.0.0", "https://example.invalid/bench.tar.gz",
      "0".repeat(64), 1, "stage assignment benchmark", null);

  private final Jdbi jdbi;
  private final String database;
  private final int robots;
  private final PrintStream progress;

  AssignBenchmark(Jdbi jdbi, String database, int robots, PrintStream progress) {
    this.jdbi = jdbi;
    this.database = database;
    this.robots = robots;
    this.progress = progress;
  }

  /** Figures of one run; {@code assignSeconds} is what the rollout waits for. */
  record Result(String database, int robots, List<Integer> stageSizes, double registerSeconds,
                double leaseSeconds, double assignSeconds, double againMillis) {

    double rowsPerSecond() {
      return robots / assignSeconds;
    }

    String describe() {
      return String.format(Locale.ROOT, """
          database                         %s
          robots                           %,d
          stage sizes                      %s
          registering the fleet (setup)    %.1f s
          recording rollout, leasing       %.1f s
          assignStages                     %.2f s = %,.0f rows/s
          assignStages again (a retry)     %.0f ms
          """, database, robots, stageSizes, registerSeconds, leaseSeconds, assignSeconds, rowsPerSecond(),
          againMillis);
    }
  }

  Result run() {
    Clock clock = Clock.systemUTC();
    RolloutRepository rollouts = new RolloutRepository(jdbi, clock);
    JdbiRolloutRegistryActivities activities = new JdbiRolloutRegistryActivities(new RobotRepository(jdbi, clock),
        rollouts, new RolloutRobotRepository(jdbi, clock), new RobotLeases(jdbi));
    // A rollout ID of its own per run, so that runs against the same PostgreSQL database do not meet.
    String rolloutId = "bench-assign-" + Instant.now().toEpochMilli();

    say("Registering " + robots + " robots in " + database);
    long started = System.nanoTime();
    Set<String> fleet = BenchRobots.register(jdbi, robots, "1.0.0");
    double registerSeconds = secondsSince(started);

    new ReleaseRepository(jdbi, clock).registerRelease(RELEASE);
    started = System.nanoTime();
    rollouts.createRollout(new RolloutRequest(rolloutId, RELEASE, PLAN, TargetSelector.wholeFleet(), "bench"),
        fleet);
    double leaseSeconds = secondsSince(started);

    say("Assigning the stages of rollout " + rolloutId);
    started = System.nanoTime();
    List<Integer> sizes = activities.assignStages(rolloutId, TargetSelector.wholeFleet(), PLAN, RELEASE.version());
    double assignSeconds = secondsSince(started);
    started = System.nanoTime();
    activities.assignStages(rolloutId, TargetSelector.wholeFleet(), PLAN, RELEASE.version());
    double againMillis = secondsSince(started) * 1000;

    // Gives the robots' leases back, so that the next run can take them.
    rollouts.recordRolloutStatus(rolloutId, RolloutStatus.ABORTED, null, "benchmark run over");
    return new Result(database, robots, sizes, registerSeconds, leaseSeconds, assignSeconds, againMillis);
  }


  private void say(String line) {
    if (progress != null) {
      progress.println(line);
    }
  }

  private static double secondsSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
