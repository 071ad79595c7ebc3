package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.UserRole;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's live updates as a browser's EventSource receives them: a rollout's summary whenever it changes,
 * with the newest event's ID, and, on reconnecting with Last-Event-ID, what changed while the connection was down.
 */
class DashboardEventsTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of(
      "otaflow.ui.events-interval", "PT0.1S"));

  /** One server-sent event: its ID, name and data. */
  private record Event(long id, String name, String data) {
  }

  @Test
  void aChangeStreamsToThePageAndAReconnectedPageGetsWhatItMissed() throws Exception {
    api.bean(RobotRepository.class).registerRobot("w1", Map.of(), "1.0.0", null);
    api.startRunning("live", "w1");
    DashboardHttp browser = new DashboardHttp(api);
    browser.signIn(api.bean(ApiTokens.class).issue("vic", UserRole.VIEWER, Duration.ofHours(1), "test").token());

    Event first;
    try (BufferedReader stream = browser.events("/ui/events?rollout=live&since=0", null)) {
      first = next(stream);
    }
    assertThat(first.name()).isEqualTo("rollout");
    assertThat(first.data()).contains("id=\"rollout-live\"", "running");
    assertThat(first.id()).isEqualTo(api.bean(RolloutEventLog.class).latestEventId());

    Event paused;
    try (BufferedReader reconnected = browser.events("/ui/events?rollout=live&since=0",
        String.valueOf(first.id()))) {
      assertThat(api.as("ana").post("/api/v1/rollouts/live/pause", "{\"reason\": \"lunch\"}").status())
          .isEqualTo(200);
      paused = next(reconnected);
    }
    assertThat(paused.id()).isGreaterThan(first.id());
    assertThat(paused.data()).as("the change, and only it, after the ID the page had").contains("paused");

    Event missed;
    try (BufferedReader stream = browser.events("/ui/events?rollout=live&since=0", String.valueOf(first.id()))) {
      missed = next(stream);
    }
    assertThat(missed.id()).isEqualTo(paused.id());
    assertThat(missed.data()).as("what changed while the page was away").contains("paused");
  }

  /** The stream's next named event (comments and the reconnect time skipped), within 30 s. */
  private static Event next(BufferedReader stream) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        long id = -1;
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line = stream.readLine(); line != null; line = stream.readLine()) {
          if (line.isEmpty() && name != null) {
            return new Event(id, name, data.toString());
          } else if (line.startsWith("id:")) {
            id = Long.parseLong(line.substring(3).strip());
          } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5));
          }
        }
        throw new IllegalStateException("the stream ended");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).get(30, TimeUnit.SECONDS);
  }
}
