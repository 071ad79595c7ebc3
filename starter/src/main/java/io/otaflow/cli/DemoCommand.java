package io.otaflow.cli;

import io.otaflow.cli.DemoReport.RobotReport;
import io.otaflow.cli.DemoReport.RolloutReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.otaflow.wire.WireJson;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs two rollouts on a simulated fleet in this process; nothing to set up.",
        "demo-1 takes every robot to 1.0.0; demo-2 of 2.0.0 overheats its second stage and rolls back to 1.0.0. "
            + "Exit code 0 when both end as designed, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print one JSON document on stdout instead of progress and a summary.")
  boolean json;

  @Option(names = "--robots", defaultValue = "50", description = "Fleet size, at least 20 (default: ${DEFAULT-VALUE}).")
  int robots;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/demo",
      description = "Scratch directory, emptied first (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--keep-running",
      description = "After the rollouts, keep everything running (the dashboard at the address printed first) until "
          + "Ctrl-C.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (robots < 20) {
      throw new IllegalArgumentException("--robots must be at least 20 so every stage has robots, was " + robots);
    }
    Path dir = DataDirectory.recreate(dataDir);
    Logging.toFile(dir.resolve("otaflow.log"));
    Demo demo = new Demo(dir, robots, json ? null : System.err, json ? null : System.err);
    int[] exitCode = new int[1];
    demo.run(report -> {
      exitCode[0] = report(report, dir);
      if (keepRunning) {
        System.err.println("Still running for the dashboard: Ctrl-C to stop.");
        awaitInterrupt();
      }
    });
    return exitCode[0];
  }

  /** The report on stdout, problems on stderr; the exit code. */
  private int report(DemoReport report, Path dir) {
    PrintStream out = System.out;
    List<String> problems = Demo.problems(report, robots);
    if (json) {
      try {
        out.println(WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the demo's report cannot be written as JSON", e);
      }
    } else {
      report.rollouts().forEach(rollout -> summarize(rollout, out));
      out.println("Logs: " + dir.resolve("otaflow.log"));
    }
    out.flush();
    if (problems.isEmpty()) {
      if (!json) {
        out.println("Demo passed: demo-1 SUCCEEDED and demo-2 ROLLED_BACK, every robot runs 1.0.0.");
      }
      return 0;
    }
    System.err.println("Demo failed:");
    problems.forEach(problem -> System.err.println("  - " + problem));
    return 1;
  }

  private static void awaitInterrupt() {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void summarize(RolloutReport rollout, PrintStream out) {
    out.printf("%s  release %s  %s%s%n", rollout.id(), rollout.release(), rollout.status(),
        rollout.reason() == null ? "" : "  (" + rollout.reason() + ")");
    out.println("  outcomes:         " + tally(rollout.robots(), robot -> String.valueOf(robot.outcome())));
    out.println("  versions on disk: " + tally(rollout.robots(), RobotReport::installedVersion));
  }

  private static Map<String, Long> tally(List<RobotReport> robots, Function<RobotReport, String> key) {
    return robots.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}
