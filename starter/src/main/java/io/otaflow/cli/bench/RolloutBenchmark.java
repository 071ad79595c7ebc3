package io.otaflow.cli.bench;

import io.otaflow.cli.RolloutWatcher;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.bench.BenchFloor;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutProgress;
import io.temporal.api.enums.v1.EventType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * All-healthy rollouts over a simulated fleet, each followed by the floor in the same stack: a bare parent workflow
 * fanning out the same number of children, each running as many no-op activities on its robot's queue as a robot
 * update runs in the happy path. Each pair runs {@link #RUNS} times in a fresh stack; the medians count.
 */
final class RolloutBenchmark extends FleetBenchmark {

  /** download, verify, safe-state check, apply, one health check, commit. */
  static final int ROBOT_ACTIVITIES = 6;
  static final int RUNS = 3;
  private static final String ROLLOUT = "bench";

  RolloutBenchmark(Path dataDir, int robots, int maxParallel, PrintStream progress) {
    super(dataDir, robots, maxParallel, progress);
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
    List<Run> runs = new ArrayList<>();
    for (int run = 1; run <= RUNS; run++) {
      runs.add(runOnce(run, Files.createDirectories(dataDir.resolve("run-" + run))));
    }
    return new Result(robots, maxParallel, runs);
  }

  private Run runOnce(int run, Path runDir) throws Exception {
    say("Run " + run + " of " + RUNS + ": starting the embedded server, the control plane and " + robots
        + " robots under " + runDir);
    try (LocalStack stack = LocalStack.start(runDir, robots)) {
      stack.publish("1.0.0", "benchmark release");
      say("Rolling 1.0.0 out to " + robots + " robots, " + maxParallel + " at a time");
      long started = System.nanoTime();
      stack.rollouts().startRollout(ROLLOUT, "1.0.0", plan(maxParallel), TargetSelector.wholeFleet(), "otaflow bench");
      RolloutProgress rollout = new RolloutWatcher(stack.rollouts()::progress, progress()).await(ROLLOUT, TIMEOUT);
      double rolloutSeconds = seconds(started);
      List<String> robotIds = stack.fleet().robotIds();
      HistoryEvents rolloutEvents = new HistoryEvents().addChain(stack.client(), OtaflowNames.rolloutWorkflowId(ROLLOUT)).addRuns(stack.client(),
          robotIds.stream().map(robot -> OtaflowNames.robotWorkflowId(ROLLOUT, robot)).toList());

      say("Floor: " + robots + " bare children x " + ROBOT_ACTIVITIES + " no-op activities on the robot queues");
      double floorSeconds = BenchFloor.run(stack.client(), robotIds, maxParallel, ROBOT_ACTIVITIES, TIMEOUT);
      HistoryEvents floorEvents = new HistoryEvents().addChain(stack.client(), BenchFloor.WORKFLOW_ID)
          .addRuns(stack.client(), robotIds.stream().map(BenchFloor::childWorkflowId).toList());
      Run measured = new Run(rollout.status(), rolloutSeconds, floorSeconds,
          rolloutEvents.total() / (double) robots, floorEvents.total() / (double) robots,
          rolloutEvents.ofType(EventType.EVENT_TYPE_MARKER_RECORDED) / (double) robots,
          rolloutEvents.ofType(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) / (double) robots,
          floorEvents.ofType(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) / (double) robots);
      say(measured.describe(robots));
      if (run == 1) {
        say("  rollout events per robot by type:\n" + rolloutEvents.perRobot(robots)
            + "  floor events per robot by type:\n" + floorEvents.perRobot(robots));
      }
      return measured;
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /**
   * One rollout and its floor, in one stack.
   *
   * @param rolloutEventsPerRobot history events of every run of the rollout and of every robot's workflow, per robot
   * @param floorEventsPerRobot   the same for the floor's parent and children
   * @param markersPerRobot       the rollout's marker events per robot: its registry writes (local activities) and
   *                              version markers
   */
  record Run(RolloutStatus rolloutStatus, double rolloutSeconds, double floorSeconds, double rolloutEventsPerRobot,
             double floorEventsPerRobot, double markersPerRobot, double rolloutWorkflowTasksPerRobot,
             double floorWorkflowTasksPerRobot) {

    double ratio() {
      return floorSeconds / rolloutSeconds;
    }

    String describe(int robots) {
      return String.format("  rollout %s in %.1f s (%.1f robots/s, %.1f events/robot), floor %.1f s (%.1f "
              + "children/s, %.1f events/robot), ratio %.2f", rolloutStatus, rolloutSeconds, robots / rolloutSeconds,
          rolloutEventsPerRobot, floorSeconds, robots / floorSeconds, floorEventsPerRobot, ratio());
    }
  }

  /** The runs, and their medians. */
  record Result(int robots, int maxParallel, List<Run> runs) {

    boolean rolloutSucceeded() {
      return runs.stream().allMatch(run -> run.rolloutStatus() == RolloutStatus.SUCCEEDED);
    }

    double rolloutSeconds() {
      return median(Run::rolloutSeconds);
    }

    double floorSeconds() {
      return median(Run::floorSeconds);
    }

    /** The median of the runs' ratios: each rollout against the floor of its own stack. */
    double ratio() {
      return median(Run::ratio);
    }

    double rolloutEventsPerRobot() {
      return median(Run::rolloutEventsPerRobot);
    }

    double floorEventsPerRobot() {
      return median(Run::floorEventsPerRobot);
    }

    private double median(ToDoubleFunction<Run> figure) {
      return Median.of(runs, figure);
    }

    String describe() {
      return String.format("median of %d runs, %d robots, maxParallel %d:%n"
              + "rollout: %.1f s = %.1f robots/s, %.1f history events/robot (%.1f markers, %.1f workflow tasks)%n"
              + "floor:   %.1f s = %.1f children/s (%d no-op activities each), %.1f history events/robot (%.1f "
              + "workflow tasks)%n"
              + "ratio rollout/floor: throughput %.2f, events %.2f%n",
          runs.size(), robots, maxParallel,
          rolloutSeconds(), robots / rolloutSeconds(), rolloutEventsPerRobot(), median(Run::markersPerRobot),
          median(Run::rolloutWorkflowTasksPerRobot),
          floorSeconds(), robots / floorSeconds(), ROBOT_ACTIVITIES, floorEventsPerRobot(),
          median(Run::floorWorkflowTasksPerRobot),
          ratio(), rolloutEventsPerRobot() / floorEventsPerRobot());
    }
  }
}
