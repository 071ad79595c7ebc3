package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.StageProgress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code otaflow rollout status} prints for a rollout whose stage is being analysed. */
class RolloutStatusTextTest {

  @Test
  void anAnalysisInProgressIsALinePerCheckAfterTheStages() {
    RolloutProgress progress = new RolloutProgress("ro-1", "2.0.0", RolloutStatus.RUNNING, 0,
        List.of(new StageProgress("canary", 1, 1, 1, 1.0), new StageProgress("100%", 3, 0, 0, 0.9)),
        Map.of("COMMITTED", 1, "PENDING", 3), 0, null,
        List.of("error-rate: 2 of 5 measured, 0 failed (limit 1), last 0.012 < 0.05"));

    assertThat(RolloutStatusCommand.describe(progress).lines().toList()).endsWith(
        "  > stage 1 canary     1 robots, 1 finished, 1 committed (needs 100%)",
        "    stage 2 100%       3 robots, 0 finished, 0 committed (needs 90%)",
        "  analysis error-rate: 2 of 5 measured, 0 failed (limit 1), last 0.012 < 0.05");
  }
}
