package io.otaflow.rollout;

import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The workflow histories {@link WorkflowReplayTest} replays, saved by the tests that make them. */
final class RecordedHistories {

  private RecordedHistories() {
  }

  /**
   * With {@code -Dotaflow.recordHistories=true}, saves a workflow's history as a test resource. Re-record only on
   * purpose: the saved histories are what protects replay.
   */
  static void recordIfAsked(WorkflowClient client, String workflowId, String resourceName) throws IOException {
    if (Boolean.getBoolean("otaflow.recordHistories")) {
      Path file = Path.of("src/test/resources/histories", resourceName);
      Files.createDirectories(file.getParent());
      Files.writeString(file, client.fetchHistory(workflowId).toJson(true));
    }
  }
}
