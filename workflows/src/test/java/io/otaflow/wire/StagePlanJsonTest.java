package io.otaflow.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.plan.StagePlan;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A stage as plans and recorded histories carry it: maxFailures is optional, so older plans read as they were. */
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
}
