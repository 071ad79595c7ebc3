package io.otaflow.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.plan.FailureAction;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Plans as files and recorded histories carry them: the newer fields are optional, so older plans read as they were. */
class StagePlanJsonTest {

  @Test
  void maxFailuresIsReadWhenGivenAndNullOtherwise() throws Exception {
    StagePlan given = WireJson.mapper().readValue("{\"name\": \"half\", \"percent\": 50, \"bakeTime\": \"30s\","
        + " \"minHealthy\": 0.9, \"maxFailures\": 3}", StagePlan.class);
    StagePlan older = WireJson.mapper().readValue("{\"name\": \"half\", \"percent\": 50, \"bakeTime\": \"30s\","
        + " \"minHealthy\": 0.9, \"approval\": true}", StagePlan.class);

    assertThat(given).isEqualTo(new StagePlan("half", null, 50, Duration.ofSeconds(30), 0.9, false, 3));
    assertThat(older).isEqualTo(new StagePlan("half", null, 50, Duration.ofSeconds(30), 0.9, true, null));
  }

  @Test
  void onFailureIsReadWhenGivenAndRollsBackAllWhenLeftOut() throws Exception {
    String stages = "{\"stages\": [{\"name\": \"all\", \"percent\": 100, \"bakeTime\": \"0s\", \"minHealthy\": 1}],"
        + " \"maxParallel\": 1, \"robotTimeout\": \"1m\", \"healthChecks\": 1, \"healthSoak\": \"0s\"";

    assertThat(WireJson.mapper().readValue(stages + ", \"onFailure\": \"PAUSE\"}", RolloutPlan.class).withDefaults()
        .onFailure()).isEqualTo(FailureAction.PAUSE);
    assertThat(WireJson.mapper().readValue(stages + "}", RolloutPlan.class).withDefaults().onFailure())
        .isEqualTo(FailureAction.ROLLBACK_ALL);
  }
}
