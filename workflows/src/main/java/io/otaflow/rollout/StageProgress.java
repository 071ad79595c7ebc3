package io.otaflow.rollout;

/**
 * One stage's tally.
 *
 * @param size      robots assigned to the stage
 * @param committed robots that ended COMMITTED
 * @param finished  robots that reached any final state
 */
public record StageProgress(String name, int size, int committed, int finished, double minHealthy) {

  public double healthyFraction() {
    return size == 0 ? 1.0 : (double) committed / size;
  }
}
