package io.otaflow.cli.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The median of a benchmark's repeated runs: one run disturbed by the machine does not decide the figure. */
final class Median {

  private Median() {
  }

  /** The median of {@code figure} over {@code runs}. */
  static <T> double of(List<T> runs, ToDoubleFunction<T> figure) {
    return of(runs.stream().mapToDouble(figure).toArray());
  }

  static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
