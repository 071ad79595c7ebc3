package io.otaflow.cli.bench;

import io.otaflow.cli.DataDirectory;
import io.otaflow.cli.Logging;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What the benchmarks over a simulated fleet take, and how they print their figures. */
final class FleetBenchOptions {

  @Option(names = "--robots", defaultValue = "1000", description = "Fleet size (default: ${DEFAULT-VALUE}).")
  int robots;

  @Option(names = "--max-parallel", defaultValue = "200",
      description = "Robots updating at once (default: ${DEFAULT-VALUE}).")
  int maxParallel;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/bench",
      description = "Scratch directory, emptied first (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--json", description = "Print the figures as one JSON document.")
  boolean json;

  /** The emptied scratch directory, with the log going to a file in it. */
  Path scratchDirectory() throws IOException {
    Path dir = DataDirectory.recreate(dataDir);
    Logging.toFile(dir.resolve("otaflow.log"));
    return dir;
  }

  /** Progress lines go to stderr, unless the figures are printed as JSON. */
  PrintStream progress() {
    return json ? null : System.err;
  }

  /**
   * Prints the figures, as {@code described} or as JSON; returns the exit code: 1, with {@code notMeasured} on stderr,
   * when the run did not measure what it should (null: it did).
   */
  int report(Object figures, String described, String notMeasured) throws IOException {
    System.out.print(json ? WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures)
        + System.lineSeparator() : described);
    if (notMeasured != null) {
      System.err.println(notMeasured);
      return 1;
    }
    return 0;
  }
}
