package io.otaflow.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "telemetry", mixinStandardHelpOptions = true,
    description = {"Counts what robot telemetry costs: Temporal history events and HTTP requests per robot per day.",
        "A simulated fleet on the embedded server reports as agents do (a sample a minute, sent every 5 minutes) on a"
            + " sped-up clock; --max-parallel is not used."})
final class BenchTelemetryCommand implements Callable<Integer> {

  @Mixin
  FleetBenchOptions options;

  @Option(names = "--minutes", defaultValue = "30",
      description = "Simulated minutes to measure (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--speedup", defaultValue = "60",
      description = "How much faster than real time the robots' clock runs (default: ${DEFAULT-VALUE}: a"
          + " simulated minute a second).")
  double speedup;

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0 || speedup <= 0) {
      throw new IllegalArgumentException("--minutes and --speedup must be positive");
    }
    TelemetryBenchmark.Result result = new TelemetryBenchmark(options.scratchDirectory(), options.robots, minutes,
        speedup, options.progress()).run();
    return options.report(result, result.describe(), result.requests() > 0 ? null
        : "No telemetry request reached the control plane: nothing was measured.");
  }
}
