package io.otaflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.cli.Logging;
import io.otaflow.domain.RolloutStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollback benchmark on a small fleet: it measures what it says (the figure itself is for README, not here). */
class RollbackBenchmarkTest {

  @TempDir
  Path dataDir;

  @Test
  void rollsBackEveryUpdatedRobotAndTimesItFromTheFirstFailedHealthGate() throws Exception {
    Logging.toFile(dataDir.resolve("otaflow.log"));

    RollbackBenchmark.Result result = new RollbackBenchmark(dataDir.resolve("bench"), 10, 5, null).run();

    assertThat(result.rolloutStatus()).isEqualTo(RolloutStatus.ROLLED_BACK);
    // The first half was committed and rolled back by the rollout; at least the first robot of the second stage
    // failed its health gate and rolled itself back.
    assertThat(result.rolledBack()).isGreaterThanOrEqualTo(6);
    assertThat(result.timeToSafeSeconds()).isPositive();
    assertThat(result.rolledBackAsExpected()).isTrue();
  }
}
