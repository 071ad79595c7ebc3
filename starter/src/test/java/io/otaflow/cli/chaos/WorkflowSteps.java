package io.otaflow.cli.chaos;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What Temporal's test server recorded of a workflow, read from its history: the steps (activities) it scheduled and
 * how each ended, the timers it runs, whether it closed. The suite finds its moments here, independent of the control
 * plane (which it kills), and checks the registry against it.
 */
final class WorkflowSteps implements AutoCloseable {

  private static final String NAMESPACE = "default";

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;

  WorkflowSteps(String target) {
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    client = WorkflowClient.newInstance(service);
  }

  /** One activity the workflow scheduled; {@code closed} and {@code outcome} null while it is pending. */
  record Activity(String type, String taskQueue, Instant scheduled, Instant closed, String outcome) {
  }

  /** One timer the workflow started: how long it runs, and whether it has neither fired nor been cancelled yet. */
  record Timer(Duration length, boolean pending) {
  }

  /**
   * A workflow's latest run as recorded now.
   *
   * @param lastClosed type of the activity that ended last, or null
   * @param timers     the timers it started, in order
   */
  record Step(boolean started, boolean closed, Instant start, Instant end, List<Activity> activities,
              String lastClosed, List<Timer> timers) {

    static final Step NOT_STARTED = new Step(false, false, null, null, List.of(), null, List.of());

    /** Timers of this length started so far. */
    long timersStarted(Duration length) {
      return timers.stream().filter(timer -> timer.length().equals(length)).count();
    }

    boolean timerPending(Duration length) {
      return timers.stream().anyMatch(timer -> timer.pending() && timer.length().equals(length));
    }

    private long timersPending() {
      return timers.stream().filter(Timer::pending).count();
    }

    List<Activity> pending() {
      return activities.stream().filter(activity -> activity.closed() == null).toList();
    }

    boolean pending(String type) {
      return pending().stream().anyMatch(activity -> activity.type().equals(type));
    }

    boolean pendingOn(String type, String taskQueue) {
      return pending().stream().anyMatch(a -> a.type().equals(type) && a.taskQueue().equals(taskQueue));
    }

    /** No step running and a timer ticking: the workflow waits between steps. */
    boolean waitingAfter(String type) {
      return pending().isEmpty() && timersPending() > 0 && type.equals(lastClosed);
    }

    @Override
    public String toString() {
      if (!started) {
        return "not started";
      }
      return (closed ? "closed" : "running") + "; pending steps " + pending().stream().map(Activity::type).toList()
          + "; last step ended " + lastClosed + "; timers " + timersPending() + " pending of " + timers.size();
    }
  }

  Step step(String workflowId) {
    List<HistoryEvent> events = history(workflowId);
    if (events.isEmpty()) {
      return Step.NOT_STARTED;
    }
    Map<Long, Activity> activities = new LinkedHashMap<>();
    Map<String, Timer> timers = new LinkedHashMap<>();
    String lastClosed = null;
    Instant end = null;
    for (HistoryEvent event : events) {
      Instant at = instant(event.getEventTime());
      switch (event.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          var scheduled = event.getActivityTaskScheduledEventAttributes();
          activities.put(event.getEventId(), new Activity(scheduled.getActivityType().getName(),
              scheduled.getTaskQueue().getName(), at, null, null));
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
            lastClosed = close(activities, event.getActivityTaskCompletedEventAttributes().getScheduledEventId(), at,
                "completed");
        case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
            lastClosed = close(activities, event.getActivityTaskFailedEventAttributes().getScheduledEventId(), at,
                "failed");
        case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
            lastClosed = close(activities, event.getActivityTaskTimedOutEventAttributes().getScheduledEventId(), at,
                "timed out");
        case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
            lastClosed = close(activities, event.getActivityTaskCanceledEventAttributes().getScheduledEventId(), at,
                "canceled");
        case EVENT_TYPE_TIMER_STARTED -> {
          var timer = event.getTimerStartedEventAttributes();
          timers.put(timer.getTimerId(), new Timer(Duration.ofSeconds(timer.getStartToFireTimeout().getSeconds(),
              timer.getStartToFireTimeout().getNanos()), true));
        }
        case EVENT_TYPE_TIMER_FIRED -> ended(timers, event.getTimerFiredEventAttributes().getTimerId());
        case EVENT_TYPE_TIMER_CANCELED -> ended(timers, event.getTimerCanceledEventAttributes().getTimerId());
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> end = at;
        default -> {
        }
      }
    }
    return new Step(true, end != null, instant(events.get(0).getEventTime()), end,
        List.copyOf(activities.values()), lastClosed, List.copyOf(timers.values()));
  }

  private static void ended(Map<String, Timer> timers, String timerId) {
    timers.computeIfPresent(timerId, (id, timer) -> new Timer(timer.length(), false));
  }

  private static String close(Map<Long, Activity> activities, long scheduledEventId, Instant at, String outcome) {
    Activity activity = activities.get(scheduledEventId);
    activities.put(scheduledEventId, new Activity(activity.type(), activity.taskQueue(), activity.scheduled(), at,
        outcome));
    return activity.type();
  }

  /** The workflow's pending activities as the server describes them ("Verify STARTED attempt 1"), for the kill log. */
  String pendingDetail(String workflowId) {
    var describe = service.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(NAMESPACE)
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .build());
    return describe.getPendingActivitiesList().stream()
        .map(activity -> activity.getActivityType().getName() + " "
            + activity.getState().name().replace("PENDING_ACTIVITY_STATE_", "") + " attempt " + activity.getAttempt())
        .collect(Collectors.joining(", "));
  }

  /** Waits for the workflow to close and returns its result (its latest run's, after continue-as-new). */
  <T> T result(String workflowId, Class<T> type, Duration timeout) throws TimeoutException {
    return client.newUntypedWorkflowStub(workflowId).getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, type);
  }

  private List<HistoryEvent> history(String workflowId) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString page = ByteString.EMPTY;
    try {
      do {
        GetWorkflowExecutionHistoryResponse response = service.blockingStub().getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(NAMESPACE)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .setNextPageToken(page)
                .build());
        events.addAll(response.getHistory().getEventsList());
        page = response.getNextPageToken();
      } while (!page.isEmpty());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return List.of();
      }
      throw e;
    }
    return events;
  }

  private static Instant instant(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  @Override
  public void close() {
    service.shutdownNow();
  }
}
