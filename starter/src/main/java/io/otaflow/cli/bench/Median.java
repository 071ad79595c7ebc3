package io.otaflow.cli.bench;

import java.util.Arrays;

/** The median of a benchmark's repeated runs: one run disturbed by the machine does not decide the figure. */
final class Median {

  private Median() {
  }

  static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
