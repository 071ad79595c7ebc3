package io.otaflow.cli.bench;

import io.otaflow.cli.RolloutWatcher;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.SimulatedFleet;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RolloutEventRecord;
import io.otaflow.registry.TimeToSafeState;
import io.otaflow.rollout.RolloutProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Time to safe state: a rollout takes half the fleet to a release, and the robots of its next stage overheat on it.
 * From the first failed health gate to the last updated robot confirmed back on its previous release (hooks run,
 * probes passed), read from the rollout's audit trail.
 */
final class RollbackBenchmark extends FleetBenchmark {

  private static final String ROLLOUT = "bench-rollback";
  private static final String RELEASE = "1.0.0";

  RollbackBenchmark(Path dataDir, int robots, int maxParallel, PrintStream progress) {
    super(dataDir, robots, maxParallel, progress);
  }

  /** Half the fleet, then the rest; instant probes and no bakes, so the figure is the engine's. */
  RolloutPlan plan() {
    return new RolloutPlan(List.of(
        StagePlan.percent("half", 50, Duration.ZERO, 1.0),
        StagePlan.percent("rest", 100, Duration.ZERO, 1.0)),
        maxParallel, Duration.ofMinutes(1), 1, Duration.ZERO);
  }

  Result run() throws Exception {
    say("Starting the embedded server, the control plane and " + robots + " robots under " + dataDir);
    try (LocalStack stack = LocalStack.start(dataDir, robots)) {
      stack.publish(RELEASE, "a release that overheats the second half of the fleet");
      List<String> secondHalf = StagePlanner.assign(ROLLOUT, stack.fleet().robotIds(), plan()).get(1);
      secondHalf.forEach(robot -> stack.fleet().whileRunning(robot, RELEASE, SimulatedFleet.OVERHEATED));
      say("Rolling " + RELEASE + " out to " + robots + " robots, " + maxParallel + " at a time; the "
          + secondHalf.size() + " of the second stage overheat on it");
      stack.rollouts().startRollout(ROLLOUT, RELEASE, plan(), TargetSelector.wholeFleet(), "otaflow bench");
      RolloutProgress rollout = new RolloutWatcher(stack.rollouts()::progress, progress()).await(ROLLOUT, TIMEOUT);
      return Result.of(robots, maxParallel, rollout.status(), stack.events().events(ROLLOUT));
    }
  }

  /**
   * @param rolledBack        robots confirmed back on their previous release
   * @param timeToSafeSeconds from the first failed health gate to the last robot confirmed back
   */
  record Result(int robots, int maxParallel, RolloutStatus rolloutStatus, int rolledBack,
                double timeToSafeSeconds) {

    /** From the audit trail ({@link TimeToSafeState}). */
    static Result of(int robots, int maxParallel, RolloutStatus status, List<RolloutEventRecord> events) {
      double seconds = TimeToSafeState.of(events).map(time -> time.toMillis() / 1000.0).orElse(Double.NaN);
      int robotsBack = (int) TimeToSafeState.rolledBack(events).stream().map(RolloutEventRecord::robotId).distinct()
          .count();
      return new Result(robots, maxParallel, status, robotsBack, seconds);
    }

    boolean rolledBackAsExpected() {
      return rolloutStatus == RolloutStatus.ROLLED_BACK && !Double.isNaN(timeToSafeSeconds);
    }

    String describe() {
      return String.format("rollback: %d robots, maxParallel %d, rollout %s, %d robots confirmed back%n"
              + "time to safe state (first failed health gate -> last robot confirmed back): %.1f s%n",
          robots, maxParallel, rolloutStatus, rolledBack, timeToSafeSeconds);
    }
  }
}
