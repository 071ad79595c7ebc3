package io.otaflow.cli.bench;

import io.otaflow.cli.RolloutWatcher;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.SimulatedFleet;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RolloutEventRecord;
import io.otaflow.rollout.RolloutProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** From the audit trail: a failed gate is the HEALTH_CHECKING of a robot that then rolled back on health. */
    static Result of(int robots, int maxParallel, RolloutStatus status, List<RolloutEventRecord> events) {
      List<RolloutEventRecord> rolledBack = events.stream()
          .filter(event -> RobotUpdateState.ROLLED_BACK.name().equals(event.status())).toList();
      Set<String> failedHealth = rolledBack.stream()
          .filter(event -> event.reason() != null && event.reason().startsWith("health:"))
          .map(RolloutEventRecord::robotId).collect(Collectors.toSet());
      Instant firstFailedGate = events.stream()
          .filter(event -> RobotUpdateState.HEALTH_CHECKING.name().equals(event.status())
              && failedHealth.contains(event.robotId()))
          .map(RolloutEventRecord::at).min(Instant::compareTo).orElse(null);
      Instant lastBack = rolledBack.stream().map(RolloutEventRecord::at).max(Instant::compareTo).orElse(null);
      double seconds = firstFailedGate == null || lastBack == null ? Double.NaN
          : Duration.between(firstFailedGate, lastBack).toMillis() / 1000.0;
      int robotsBack = (int) rolledBack.stream().map(RolloutEventRecord::robotId).distinct().count();
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
