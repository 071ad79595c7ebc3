package io.otaflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.cli.Logging;
import io.otaflow.devstack.bench.InstantRolloutChecks;
import io.otaflow.domain.RolloutStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instant rollout benchmark on a small fleet, with a history budget low enough that the rollout continues as new
 * in both phases: its checks pass on a sound run and fail on one that does not do what they demand.
 */
class InstantRolloutBenchmarkTest {

  /** Low enough for a few runs per phase with 300 robots, high enough for a run to start its window. */
  private static final int HISTORY_BUDGET = 400;
  /** The real limit's slack over the real budget (10,240 over 10,000), over this test's budget. */
  private static final int HISTORY_LIMIT = HISTORY_BUDGET + InstantRolloutChecks.HISTORY_EVENT_LIMIT - 10_000;

  @TempDir
  Path dataDir;

  @Test
  void allHealthyRolloutUpdatesEveryRobotOnceWithinItsWindowAndContinuesAsNew() throws Exception {
    InstantRolloutBenchmark.Result result = run(new InstantRolloutBenchmark.Setup(300, 20, false, HISTORY_BUDGET,
        1000, HISTORY_LIMIT, null));

    assertThat(result.failures()).isEmpty();
    assertThat(result.rolloutStatus()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.checks().robotsUpdated()).isEqualTo(300);
    assertThat(result.checks().robotsRolledBack()).isZero();
    assertThat(result.checks().stageLoopContinuations()).isPositive();
    assertThat(result.checks().peakUpdatesInFlight()).isBetween(1, 20);
    assertThat(result.checks().longestRunEvents()).isBetween(HISTORY_BUDGET / 2, HISTORY_LIMIT);
    assertThat(result.checks().childrenChecked()).isEqualTo(300);
  }

  @Test
  void failingLastStageRollsBackEveryUpdatedRobotOnceAndContinuesAsNewInBothPhases() throws Exception {
    InstantRolloutBenchmark.Result result = run(new InstantRolloutBenchmark.Setup(300, 20, true, HISTORY_BUDGET,
        1000, HISTORY_LIMIT, null));

    assertThat(result.failures()).isEmpty();
    assertThat(result.rolloutStatus()).isEqualTo(RolloutStatus.ROLLED_BACK);
    // The first four stages (1, 5%, 25%, 50%) committed 150 robots; each is switched back once.
    assertThat(result.checks().robotsRolledBack()).isEqualTo(150);
    assertThat(result.checks().stageLoopContinuations()).isPositive();
    assertThat(result.checks().rollbackContinuations()).isPositive();
  }

  @Test
  void runThatNeverContinuesAsNewOrOutgrowsTheHistoryLimitFailsItsChecks() throws Exception {
    // The workflow's own budget (10,000 events) is never reached by 60 robots; a limit of 100 events is.
    InstantRolloutBenchmark.Result result = run(new InstantRolloutBenchmark.Setup(60, 20, false, 0, 10, 100, null));

    assertThat(result.rolloutStatus()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(result.passed()).isFalse();
    assertThat(result.failures()).anySatisfy(line -> assertThat(line)
        .startsWith("history: a run of rollout bench-instant has").endsWith("more than 100"));
    assertThat(result.failures()).anySatisfy(line -> assertThat(line)
        .isEqualTo("continue-as-new: never happened in the stage loop (1 runs)"));
    assertThat(result.checks().childrenChecked()).isEqualTo(10);
  }

  private InstantRolloutBenchmark.Result run(InstantRolloutBenchmark.Setup setup) throws Exception {
    Logging.toFile(dataDir.resolve("otaflow.log"));
    return new InstantRolloutBenchmark(dataDir.resolve("bench"), setup, null).run();
  }
}
