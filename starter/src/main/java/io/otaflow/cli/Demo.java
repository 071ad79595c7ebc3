package io.otaflow.cli;

import io.otaflow.cli.DemoReport.RobotReport;
import io.otaflow.cli.DemoReport.RolloutReport;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.SimulatedFleet;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RolloutRobotRecord;
import io.otaflow.rollout.RolloutProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeoutException;

/**
 * The demo scenario on a local stack: rollout {@code demo-1} takes the whole fleet to 1.0.0; rollout {@code demo-2}
 * of 2.0.0 meets overheating robots in its second stage, stops that stage as soon as it cannot pass and rolls every
 * robot back to 1.0.0.
 */
final class Demo {

  static final String FIRST_RELEASE = "1.0.0";
  static final String SECOND_RELEASE = "2.0.0";
  static final String FIRST_ROLLOUT = "demo-1";
  static final String SECOND_ROLLOUT = "demo-2";
  private static final Duration ROLLOUT_TIMEOUT = Duration.ofMinutes(10);

  private final Path dataDir;
  private final int robots;
  private final PrintStream say;
  private final PrintStream progress;

  /**
   * @param say      narration for people, or null for none
   * @param progress where progress bars go, or null for none
   */
  Demo(Path dataDir, int robots, PrintStream say, PrintStream progress) {
    this.dataDir = dataDir;
    this.robots = robots;
    this.say = say;
    this.progress = progress;
  }

  /** canary (1 robot) -> 10% -> 50% -> 100%, 2 s bakes, two health checks over a second per robot. */
  static RolloutPlan plan() {
    Duration bake = Duration.ofSeconds(2);
    return new RolloutPlan(List.of(
        StagePlan.canary("canary", 1, bake, 1.0),
        StagePlan.percent("10%", 10, bake, 0.9),
        StagePlan.percent("50%", 50, bake, 0.9),
        StagePlan.percent("100%", 100, Duration.ZERO, 0.9)),
        10, Duration.ofSeconds(30), 2, Duration.ofSeconds(1));
  }

  DemoReport run() throws TimeoutException {
    return run(report -> { });
  }

  /**
   * As {@link #run()}, and then, before everything stops, {@code whileServing} with the report: the dashboard (its
   * address told at the start) stays up as long as that runs.
   */
  DemoReport run(Consumer<DemoReport> whileServing) throws TimeoutException {
    tell("Starting Temporal, the control plane, the artifact server and " + robots + " robots under " + dataDir);
    try (LocalStack stack = LocalStack.start(dataDir, robots)) {
      tell("Dashboard: " + stack.apiUrl() + "/ui (sign in with the admin token in " + dataDir.resolve("admin-token")
          + ")");
      stack.publish(FIRST_RELEASE, "first release of the demo");
      stack.publish(SECOND_RELEASE, "a release that overheats robots in the second stage");
      RolloutWatcher watcher = new RolloutWatcher(stack.rollouts()::progress, progress);
      List<RolloutReport> reports = new ArrayList<>();

      tell("Rollout " + FIRST_ROLLOUT + ": " + FIRST_RELEASE + " to the whole fleet, every robot healthy");
      reports.add(rollout(stack, watcher, FIRST_ROLLOUT, FIRST_RELEASE));

      List<String> secondStage = StagePlanner.assign(SECOND_ROLLOUT, stack.fleet().robotIds(), plan()).get(1);
      secondStage.forEach(robot -> stack.fleet().whileRunning(robot, SECOND_RELEASE, SimulatedFleet.OVERHEATED));
      tell("Rollout " + SECOND_ROLLOUT + ": " + SECOND_RELEASE + "; the " + secondStage.size()
          + " robots of its second stage run at 93C while on it: " + String.join(", ", secondStage));
      reports.add(rollout(stack, watcher, SECOND_ROLLOUT, SECOND_RELEASE));
      DemoReport report = new DemoReport(reports);
      whileServing.accept(report);
      return report;
    }
  }

  private RolloutReport rollout(LocalStack stack, RolloutWatcher watcher, String rolloutId, String release)
      throws TimeoutException {
    stack.rollouts().startRollout(rolloutId, release, plan(), TargetSelector.wholeFleet(), "otaflow demo");
    RolloutProgress result = watcher.await(rolloutId, ROLLOUT_TIMEOUT);
    List<RobotReport> robotReports = new ArrayList<>();
    for (RolloutRobotRecord robot : stack.rolloutRobots().rolloutRobots(rolloutId)) {
      Path robotDir = stack.fleet().disk(robot.robotId()).dir();
      robotReports.add(new RobotReport(robot.robotId(), robot.state(), versionOnDisk(robotDir)));
    }
    robotReports.sort(Comparator.comparing(RobotReport::id));
    return new RolloutReport(rolloutId, release, result.status(), result.reason(), robotReports);
  }

  /** The version the robot actually runs: the VERSION file in the slot {@code current} points at. */
  static String versionOnDisk(Path robotDir) {
    try {
      return Files.readString(robotDir.resolve("current").resolve("VERSION")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the installed version of " + robotDir, e);
    }
  }

  /** Everything that differs from what the demo promises; empty when it went as designed. */
  static List<String> problems(DemoReport report, int fleetSize) {
    List<String> problems = new ArrayList<>();
    expect(report, FIRST_ROLLOUT, RolloutStatus.SUCCEEDED, fleetSize, problems);
    expect(report, SECOND_ROLLOUT, RolloutStatus.ROLLED_BACK, fleetSize, problems);
    return problems;
  }

  /** Both rollouts must leave every robot on the first release: one by installing it, one by rolling back to it. */
  private static void expect(DemoReport report, String rolloutId, RolloutStatus status, int fleetSize,
                             List<String> problems) {
    RolloutReport rollout = report.rollouts().stream().filter(r -> r.id().equals(rolloutId)).findFirst().orElse(null);
    if (rollout == null) {
      problems.add(rolloutId + ": did not run");
      return;
    }
    if (rollout.status() != status) {
      problems.add(rolloutId + ": ended " + rollout.status() + " instead of " + status
          + (rollout.reason() == null ? "" : " (" + rollout.reason() + ")"));
    }
    if (rollout.robots().size() != fleetSize) {
      problems.add(rolloutId + ": targeted " + rollout.robots().size() + " robots instead of the fleet's " + fleetSize);
    }
    for (RobotReport robot : rollout.robots()) {
      if (!FIRST_RELEASE.equals(robot.installedVersion())) {
        problems.add(rolloutId + ": " + robot.id() + " runs " + robot.installedVersion() + " instead of "
            + FIRST_RELEASE + " (outcome " + robot.outcome() + ")");
      }
    }
  }

  private void tell(String line) {
    if (say != null) {
      say.println(line);
    }
  }
}
