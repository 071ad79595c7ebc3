package io.otaflow.cli.bench;

import io.otaflow.cli.RolloutWatcher;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.bench.BenchFloor;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One all-healthy rollout over a simulated fleet, then the floor: a bare parent workflow fanning out the same number
 * of children, each running as many no-op activities on its robot's queue as a robot update runs in the happy path.
 */
final class RolloutBenchmark extends FleetBenchmark {

  /** download, verify, safe-state check, apply, one health check, commit. */
  static final int ROBOT_ACTIVITIES = 6;

  RolloutBenchmark(Path dataDir, int robots, int maxParallel, PrintStream progress) {
    super(dataDir, robots, maxParallel, progress);
  }

  RolloutPlan plan() {
    return plan(maxParallel);
  }

  /** A canary, then 5%, 25%, 50%, 100%; instant probes, no bakes: what is left is the engine's own cost per robot. */
  static RolloutPlan plan(int maxParallel) {
    return new RolloutPlan(List.of(
        StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("5%", 5, Duration.ZERO, 1.0),
        StagePlan.percent("25%", 25, Duration.ZERO, 1.0),
        StagePlan.percent("50%", 50, Duration.ZERO, 1.0),
        StagePlan.percent("100%", 100, Duration.ZERO, 1.0)),
        maxParallel, Duration.ofMinutes(1), 1, Duration.ZERO);
  }

  Result run() throws Exception {
    say("Starting the embedded server, the control plane and " + robots + " robots under " + dataDir);
    try (LocalStack stack = LocalStack.start(dataDir, robots)) {
      stack.publish("1.0.0", "benchmark release");
      say("Rolling 1.0.0 out to " + robots + " robots, " + maxParallel + " at a time");
      long started = System.nanoTime();
      stack.rollouts().startRollout("bench", "1.0.0", plan(), TargetSelector.wholeFleet(), "otaflow bench");
      RolloutProgress rollout = new RolloutWatcher(stack.rollouts()::progress, progress())
          .await("bench", TIMEOUT);
      double rolloutSeconds = seconds(started);

      say("Floor: " + robots + " bare children x " + ROBOT_ACTIVITIES + " no-op activities on the robot queues");
      double floorSeconds = BenchFloor.run(stack.client(), stack.fleet().robotIds(), maxParallel, ROBOT_ACTIVITIES,
          TIMEOUT);
      return new Result(robots, maxParallel, rollout.status(), rolloutSeconds, robots / rolloutSeconds,
          ROBOT_ACTIVITIES, floorSeconds, robots / floorSeconds, floorSeconds / rolloutSeconds);
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /**
   * @param ratio rollout throughput as a fraction of the floor's (1.0 would mean the rollout logic costs nothing)
   */
  record Result(int robots, int maxParallel, RolloutStatus rolloutStatus, double rolloutSeconds,
                double robotsPerSecond, int activitiesPerChild, double floorSeconds, double childrenPerSecond,
                double ratio) {

    boolean rolloutSucceeded() {
      return rolloutStatus == RolloutStatus.SUCCEEDED;
    }

    String describe() {
      return String.format("rollout: %d robots in %.1f s = %.1f robots/s (%s, maxParallel %d)%n"
              + "floor:   %d children x %d no-op activities in %.1f s = %.1f children/s%n"
              + "ratio rollout/floor: %.2f%n",
          robots, rolloutSeconds, robotsPerSecond, rolloutStatus, maxParallel,
          robots, activitiesPerChild, floorSeconds, childrenPerSecond, ratio);
    }
  }
}
