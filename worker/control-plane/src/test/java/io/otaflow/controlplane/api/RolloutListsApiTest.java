package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.registry.RobotRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding rollouts: listed newest first, filtered by status and release, paged; a rollout's timeline paged; a robot
 * with the rollouts it took part in. Robots r1 and r2 run no agent: their rollouts end FAILED (never reached).
 */
class RolloutListsApiTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  private static String ended;
  private static String running;

  @BeforeAll
  static void rollouts() throws Exception {
    RobotRepository robots = api.bean(RobotRepository.class);
    robots.registerRobot("r1", Map.of("site", "lyon"), "1.0.0", null);
    robots.registerRobot("r2", Map.of("site", "oslo"), "1.0.0", null);
    ended = api.endedUnreached("old", "r1");
    running = api.startRunning("live", "r2");
  }

  @Test
  void rolloutsAreListedNewestFirstFilteredByStatusAndReleaseAndPaged() throws Exception {
    assertThat(ids("/api/v1/rollouts")).containsExactly("live", "old");
    assertThat(ids("/api/v1/rollouts?status=running")).containsExactly("live");
    assertThat(ids("/api/v1/rollouts?status=FAILED,RUNNING")).containsExactly("live", "old");
    assertThat(ids("/api/v1/rollouts?release=" + ended)).containsExactly("old");
    assertThat(ids("/api/v1/rollouts?release=" + running + "&status=FAILED")).isEmpty();

    JsonNode first = api.get("/api/v1/rollouts?limit=1").body();
    assertThat(first.get("items").findValuesAsText("rolloutId")).containsExactly("live");
    assertThat(first.get("next").asText()).isEqualTo("live");
    JsonNode second = api.get("/api/v1/rollouts?limit=1&after=live").body();
    assertThat(second.get("items").findValuesAsText("rolloutId")).containsExactly("old");
    assertThat(second.get("next").isNull()).isTrue();

    Answer badStatus = api.get("/api/v1/rollouts?status=DONE");
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(badStatus.body().get("field").asText()).isEqualTo("status");
    assertThat(badStatus.error()).startsWith("status: 'DONE' is not a rollout status; valid: PENDING,");
    assertThat(api.get("/api/v1/rollouts?limit=0").error())
        .isEqualTo("limit: must be a whole number from 1 to 1000, not '0'");
  }

  @Test
  void aRolloutsTimelineIsPagedOldestFirst() throws Exception {
    List<String> all = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      JsonNode page = api.get("/api/v1/rollouts/old/events?limit=2" + (after == null ? "" : "&after=" + after)).body();
      page.get("items").forEach(event -> {
        all.add(event.get("kind").asText() + ":" + event.get("status").asText());
        ids.add(event.get("id").asLong());
      });
      after = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (after != null);

    assertThat(pages).isGreaterThan(1);
    assertThat(all).startsWith("ROLLOUT_STATUS:PENDING").endsWith("ROLLOUT_STATUS:FAILED")
        .contains("ROBOT_STATE:OFFLINE");
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(ids).hasSize(api.get("/api/v1/rollouts/old/events?limit=1000").body().get("items").size());
    assertThat(api.get("/api/v1/rollouts/nope/events").status()).isEqualTo(404);
  }

  @Test
  void aRobotShowsTheRolloutsItTookPartIn() throws Exception {
    JsonNode r1 = api.get("/api/v1/robots/r1").body();

    assertThat(r1.get("robot").get("labels").get("site").asText()).isEqualTo("lyon");
    JsonNode last = r1.get("lastRollouts");
    assertThat(last).hasSize(1);
    assertThat(last.get(0).get("rolloutId").asText()).isEqualTo("old");
    assertThat(last.get(0).get("releaseVersion").asText()).isEqualTo(ended);
    assertThat(last.get(0).get("rolloutStatus").asText()).isEqualTo("FAILED");
    assertThat(last.get(0).get("state").asText()).isEqualTo("OFFLINE");
    assertThat(last.get(0).get("reason").asText()).isNotBlank();
  }

  private static List<String> ids(String path) throws Exception {
    Answer answer = api.get(path);
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    return answer.body().get("items").findValuesAsText("rolloutId");
  }
}
