package io.otaflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MedianTest {

  @Test
  void middleValueOfAnOddCountWhateverTheOrder() {
    assertThat(Median.of(new double[] {9.0, 1.0, 4.0})).isEqualTo(4.0);
  }

  @Test
  void meanOfTheTwoMiddleValuesOfAnEvenCount() {
    assertThat(Median.of(new double[] {8.0, 2.0, 4.0, 6.0})).isEqualTo(5.0);
  }

  @Test
  void leavesItsInputAsItWas() {
    double[] runs = {3.0, 1.0, 2.0};
    Median.of(runs);
    assertThat(runs).containsExactly(3.0, 1.0, 2.0);
  }
}
