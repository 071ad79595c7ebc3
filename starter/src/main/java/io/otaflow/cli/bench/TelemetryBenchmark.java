package io.otaflow.cli.bench;

import io.micrometer.core.instrument.search.Search;
import io.otaflow.devstack.LocalStack;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What telemetry costs on Temporal and over HTTP: a simulated fleet reporting as agents do, on a clock sped up
 * {@code speedup} times (a sample every simulated minute, a send every 5), for {@code minutes} simulated minutes after a
 * first round of sends. Counts the Temporal history events and workflow executions the window added (the fleet does
 * nothing else meanwhile, so they are telemetry's) and the HTTP requests to {@code /api/v1/telemetry}, each scaled to
 * one robot for one day.
 */
final class TelemetryBenchmark extends FleetBenchmark {

  private static final double MINUTES_PER_DAY = 24 * 60;
  private final double minutes;
  private final double speedup;

  TelemetryBenchmark(Path dataDir, int robots, double minutes, double speedup, PrintStream progress) {
    super(dataDir, robots, 0, progress);
    this.minutes = minutes;
    this.speedup = speedup;
  }

  Result run() throws Exception {
    Duration sample = scaled(LocalStack.SAMPLE_INTERVAL);
    Duration send = scaled(LocalStack.SEND_INTERVAL);
    say("Starting the embedded server, the control plane and " + robots + " robots sampling every " + sample
        + " and sending every " + send + " (" + speedup + " times real time)");
    try (LocalStack stack = LocalStack.start(dataDir, robots, sample, send)) {
      // The robots' first sends go out at once: the window starts once the fleet is in its steady state.
      Thread.sleep(send.toMillis());
      WorkflowServiceStubs temporal = stack.client().getWorkflowServiceStubs();
      Counts before = new Counts(historyEvents(temporal), requests(stack));
      say("Measuring " + minutes + " simulated minutes");
      Thread.sleep(scaled(Duration.ofSeconds(Math.round(minutes * 60))).toMillis());
      Counts after = new Counts(historyEvents(temporal), requests(stack));
      double robotDays = robots * minutes / MINUTES_PER_DAY;
      return new Result(robots, minutes, speedup, after.history().events() - before.history().events(),
          after.history().executions() - before.history().executions(), after.requests() - before.requests(),
          (after.history().events() - before.history().events()) / robotDays,
          (after.requests() - before.requests()) / robotDays);
    }
  }

  private Duration scaled(Duration simulated) {
    return Duration.ofNanos(Math.round(simulated.toNanos() / speedup));
  }

  private record History(long executions, long events) {
  }

  private record Counts(History history, double requests) {
  }

  /** Every execution the server knows, open or closed, and the events of their histories. */
  private static History historyEvents(WorkflowServiceStubs temporal) {
    String namespace = "default";
    List<WorkflowExecution> executions = new ArrayList<>();
    temporal.blockingStub().listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
            .setNamespace(namespace).setMaximumPageSize(10_000).build()).getExecutionsList()
        .forEach(info -> executions.add(info.getExecution()));
    temporal.blockingStub().listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(namespace).setMaximumPageSize(10_000).build()).getExecutionsList()
        .forEach(info -> executions.add(info.getExecution()));
    long events = 0;
    for (WorkflowExecution execution : executions) {
      events += temporal.blockingStub().getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
          .setNamespace(namespace).setExecution(execution).setMaximumPageSize(100_000).build())
          .getHistory().getEventsCount();
    }
    return new History(executions.size(), events);
  }

  /** Requests to the telemetry endpoint the control plane answered, whatever the answer. */
  private static double requests(LocalStack stack) {
    return Search.in(stack.meters()).name("http.server.requests").tag("uri", "/api/v1/telemetry").timers().stream()
        .mapToDouble(timer -> timer.count()).sum();
  }

  /**
   * @param historyEvents Temporal history events the window added (each a billed action or part of one)
   * @param executions    workflow executions the window added
   * @param requests      HTTP requests to /api/v1/telemetry in the window
   */
  record Result(int robots, double minutes, double speedup, long historyEvents, long executions, double requests,
                double historyEventsPerRobotDay, double requestsPerRobotDay) {

    String describe() {
      return String.format("telemetry of %d robots over %.0f simulated minutes (%.0fx real time):%n"
              + "Temporal: %d history events, %d new workflow executions = %.1f events per robot per day%n"
              + "HTTP:     %.0f requests to /api/v1/telemetry = %.1f requests per robot per day%n",
          robots, minutes, speedup, historyEvents, executions, historyEventsPerRobotDay, requests,
          requestsPerRobotDay);
    }
  }
}
