package io.otaflow.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** A benchmark over a simulated fleet on the embedded server: where it runs, how big, and where it says so. */
abstract class FleetBenchmark {

  static final Duration TIMEOUT = Duration.ofMinutes(30);

  final Path dataDir;
  final int robots;
  final int maxParallel;
  private final PrintStream progress;

  /** @param progress where progress lines go; null: nowhere */
  FleetBenchmark(Path dataDir, int robots, int maxParallel, PrintStream progress) {
    this.dataDir = dataDir;
    this.robots = robots;
    this.maxParallel = maxParallel;
    this.progress = progress;
  }

  PrintStream progress() {
    return progress;
  }

  void say(String line) {
    if (progress != null) {
      progress.println(line);
    }
  }
}
