package io.otaflow.cli.bench;

import io.otaflow.cli.DataDirectory;
import io.otaflow.cli.Logging;
import io.otaflow.wire.WireJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = {"Times an all-healthy rollout over a simulated fleet on the embedded server.",
        "Instant health probes and no bakes, so robots/s is the engine's own cost; then the floor: the same children "
            + "and robot-queue activities without rollout logic, in children/s, and the ratio of the two."})
final class BenchRolloutCommand implements Callable<Integer> {

  @Option(names = "--robots", defaultValue = "1000", description = "Fleet size (default: ${DEFAULT-VALUE}).")
  int robots;

  @Option(names = "--max-parallel", defaultValue = "200",
      description = "Robots updating at once, in the rollout and the floor (default: ${DEFAULT-VALUE}).")
  int maxParallel;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/bench",
      description = "Scratch directory, emptied first (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--json", description = "Print the figures as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Path dir = DataDirectory.recreate(dataDir);
    Logging.toFile(dir.resolve("otaflow.log"));
    RolloutBenchmark.Result result = new RolloutBenchmark(dir, robots, maxParallel, json ? null : System.err).run();
    if (json) {
      System.out.println(WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    } else {
      System.out.print(result.describe());
    }
    if (!result.rolloutSucceeded()) {
      System.err.println("The rollout ended " + result.rolloutStatus() + ": its figure is not a throughput.");
      return 1;
    }
    return 0;
  }
}
