package io.otaflow.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Times a rollback over a simulated fleet on the embedded server: time to safe state.",
        "A rollout takes half the fleet to a release whose next stage overheats its robots; the figure runs from the "
            + "first failed health gate to the last updated robot confirmed back on its previous release."})
final class BenchRollbackCommand implements Callable<Integer> {

  @Mixin
  FleetBenchOptions options;

  @Override
  public Integer call() throws Exception {
    RollbackBenchmark.Result result = new RollbackBenchmark(options.scratchDirectory(), options.robots,
        options.maxParallel, options.progress()).run();
    return options.report(result, result.describe(), result.rolledBackAsExpected() ? null
        : "The rollout ended " + result.rolloutStatus() + ", not ROLLED_BACK: no time to safe state.");
  }
}
