package io.otaflow.cli.bench;

import io.otaflow.devstack.bench.WorkflowRuns;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * History events of a workflow and its children, counted by type: what a Temporal cluster stores and bills for each
 * robot, whatever the embedded server's speed.
 */
final class HistoryEvents {

  private final Map<EventType, Long> byType = new EnumMap<>(EventType.class);

  /** Adds every run of {@code workflowId}, through continue-as-new. */
  HistoryEvents addChain(WorkflowClient client, String workflowId) {
    WorkflowRuns.of(client, workflowId).forEach(this::add);
    return this;
  }

  /** Adds each of {@code workflowIds}, one run each. */
  HistoryEvents addRuns(WorkflowClient client, List<String> workflowIds) {
    for (String workflowId : workflowIds) {
      add(client.fetchHistory(workflowId).getEvents());
    }
    return this;
  }

  private void add(List<HistoryEvent> events) {
    events.forEach(event -> byType.merge(event.getEventType(), 1L, Long::sum));
  }

  long total() {
    return byType.values().stream().mapToLong(Long::longValue).sum();
  }

  long ofType(EventType type) {
    return byType.getOrDefault(type, 0L);
  }

  /** Events of each type per robot, the largest first: where the events go. */
  String perRobot(int robots) {
    StringBuilder out = new StringBuilder();
    byType.entrySet().stream()
        .sorted(Map.Entry.<EventType, Long>comparingByValue().reversed())
        .forEach(entry -> out.append(String.format("    %-50s %6.2f%n",
            entry.getKey().name().substring("EVENT_TYPE_".length()), entry.getValue() / (double) robots)));
    return out.toString();
  }
}
