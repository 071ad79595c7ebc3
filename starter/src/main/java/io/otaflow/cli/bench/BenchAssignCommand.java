package io.otaflow.cli.bench;

import io.otaflow.cli.DataDirectory;
import io.otaflow.cli.DatabaseUrls;
import io.otaflow.cli.Logging;
import io.otaflow.registry.FleetDatabase;
import io.otaflow.wire.WireJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "assign", mixinStandardHelpOptions = true,
    description = {"Times the stage assignment of one rollout over a registered fleet: the robots leased to it, split "
        + "into the stages of a five-stage plan and stored, as the rollout's first step does.",
        "On an H2 file database under --data-dir, or on the PostgreSQL database at --database-url (its robots "
            + "bench-r... are registered there once and kept; each run adds one ABORTED rollout)."})
final class BenchAssignCommand implements Callable<Integer> {

  @Option(names = "--robots", defaultValue = "100000", description = "Fleet size (default: ${DEFAULT-VALUE}).")
  int robots;

  @Option(names = "--database-url", paramLabel = "JDBC_URL",
      description = "A PostgreSQL JDBC URL (user and password in it) instead of the H2 file database.")
  String databaseUrl;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/bench-assign",
      description = "Scratch directory, emptied first: the H2 database and the log (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--json", description = "Print the figures as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (robots < 1) {
      throw new IllegalArgumentException("--robots must be at least 1, was " + robots);
    }
    if (databaseUrl != null) {
      DatabaseUrls.requirePostgres(databaseUrl);
    }
    Path dir = DataDirectory.recreate(dataDir);
    Logging.toFile(dir.resolve("otaflow.log"));
    String url = databaseUrl != null ? databaseUrl : FleetDatabase.h2FileUrl(dir);
    String database = databaseUrl != null ? "PostgreSQL " + DatabaseUrls.withoutSecrets(databaseUrl) : "H2 file " + dir;
    AssignBenchmark.Result result;
    try (FleetDatabase db = FleetDatabase.connect(url, null, null, FleetDatabase.DEFAULT_MAX_POOL_SIZE)) {
      result = new AssignBenchmark(db.jdbi(), database, robots, json ? null : System.err).run();
    }
    System.out.print(json ? WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result)
        + System.lineSeparator() : result.describe());
    return 0;
  }
}
