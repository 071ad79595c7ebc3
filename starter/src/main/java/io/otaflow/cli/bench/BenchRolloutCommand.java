package io.otaflow.cli.bench;

import io.otaflow.cli.DatabaseUrls;
import io.otaflow.devstack.bench.InstantRolloutChecks;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = {"Times an all-healthy rollout over a simulated fleet on the embedded server, three times.",
        "Instant health probes and no bakes, so robots/s is the engine's own cost; then the floor: the same children "
            + "and robot-queue activities without rollout logic, in children/s. Prints the medians, the history "
            + "events per robot of both, and the ratios.",
        "With --instant: the rollout over a fleet that exists only in the registry, each robot update an instant "
            + "stand-in writing what a real one writes; fails (exit 1) when a history grows past 10,240 events, "
            + "more robots are in flight than allowed, a robot is not updated (and rolled back) exactly once, or "
            + "continue-as-new did not happen in the stage loop (and the rollback phase, with --fail-last-stage)."})
final class BenchRolloutCommand implements Callable<Integer> {

  @Mixin
  FleetBenchOptions options;

  @Option(names = "--instant", description = "Instant stand-ins for robots, registered in the registry only.")
  boolean instant;

  @Option(names = "--fail-last-stage",
      description = "With --instant: the last stage's robots fail, so the rollout rolls back every robot it updated.")
  boolean failLastStage;

  @Option(names = "--history-budget", defaultValue = "0", paramLabel = "EVENTS",
      description = "With --instant: the rollout continues as new past this many history events (default: the "
          + "workflow's own budget).")
  int historyBudget;

  @Option(names = "--child-histories", defaultValue = "1000", paramLabel = "N",
      description = "With --instant: robot workflows whose history is fetched and counted, spread evenly over all "
          + "(default: ${DEFAULT-VALUE}).")
  int childHistories;

  @Option(names = "--database-url", paramLabel = "JDBC_URL",
      description = "With --instant: an empty PostgreSQL database (user and password in the URL) for the registry, "
          + "instead of H2 under --data-dir.")
  String databaseUrl;

  @Override
  public Integer call() throws Exception {
    if (!instant) {
      if (failLastStage || historyBudget != 0 || databaseUrl != null) {
        throw new IllegalArgumentException("--fail-last-stage, --history-budget and --database-url need --instant");
      }
      RolloutBenchmark.Result result = new RolloutBenchmark(options.scratchDirectory(), options.robots,
          options.maxParallel, options.progress()).run();
      return options.report(result, result.describe(), result.rolloutSucceeded() ? null
          : "A rollout did not succeed: its figure is not a throughput.");
    }
    if (options.robots < 1 || historyBudget < 0 || childHistories < 0) {
      throw new IllegalArgumentException("--robots must be at least 1 and --history-budget and --child-histories at"
          + " least 0, were " + options.robots + ", " + historyBudget + " and " + childHistories);
    }
    InstantRolloutBenchmark.Result result = new InstantRolloutBenchmark(options.scratchDirectory(),
        new InstantRolloutBenchmark.Setup(options.robots, options.maxParallel, failLastStage, historyBudget,
            childHistories, InstantRolloutChecks.HISTORY_EVENT_LIMIT,
            databaseUrl == null ? null : DatabaseUrls.requirePostgres(databaseUrl)), options.progress()).run();
    return options.report(result, result.describe(), result.passed() ? null : String.join(System.lineSeparator(),
        result.failures()));
  }
}
