package io.otaflow.devstack.bench;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;

/** The histories of every run of a workflow that continued as new, as the benches read them. */
public final class WorkflowRuns {

  private WorkflowRuns() {
  }

  /** Each run's events, the first run first: followed back from the latest run through continue-as-new. */
  public static List<List<HistoryEvent>> of(WorkflowClient client, String workflowId) {
    List<List<HistoryEvent>> runs = new ArrayList<>();
    String runId = "";
    do {
      List<HistoryEvent> events = (runId.isEmpty() ? client.fetchHistory(workflowId)
          : client.fetchHistory(workflowId, runId)).getEvents();
      runs.add(0, events);
      runId = events.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    return runs;
  }
}
