package io.otaflow.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = {"Times an all-healthy rollout over a simulated fleet on the embedded server, three times.",
        "Instant health probes and no bakes, so robots/s is the engine's own cost; then the floor: the same children "
            + "and robot-queue activities without rollout logic, in children/s. Prints the medians, the history "
            + "events per robot of both, and the ratios."})
final class BenchRolloutCommand implements Callable<Integer> {

  @Mixin
  FleetBenchOptions options;

  @Override
  public Integer call() throws Exception {
    RolloutBenchmark.Result result = new RolloutBenchmark(options.scratchDirectory(), options.robots,
        options.maxParallel, options.progress()).run();
    return options.report(result, result.describe(), result.rolloutSucceeded() ? null
        : "A rollout did not succeed: its figure is not a throughput.");
  }
}
