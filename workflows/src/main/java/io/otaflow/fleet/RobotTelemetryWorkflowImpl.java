package io.otaflow.fleet;

import io.otaflow.domain.RegistryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;

/**
 * Records the newest report of each burst (telemetry is last-value-wins, so reports that queued up meanwhile are
 * skipped) and continues as new every few hundred reports, so a robot reporting every minute for years stays far
 * below Temporal's history limits.
 */
public class RobotTelemetryWorkflowImpl implements RobotTelemetryWorkflow {

  static final int DEFAULT_REPORTS_PER_RUN = 500;
  private static final Logger log = Workflow.getLogger(RobotTelemetryWorkflowImpl.class);

  private final int reportsPerRun;
  private final FleetActivities fleet = Workflow.newLocalActivityStub(FleetActivities.class, RegistryOptions.LOCAL);
  private final Deque<RobotTelemetry> pending = new ArrayDeque<>();
  private RobotTelemetry latest;

  public RobotTelemetryWorkflowImpl() {
    this(DEFAULT_REPORTS_PER_RUN);
  }

  RobotTelemetryWorkflowImpl(int reportsPerRun) {
    this.reportsPerRun = reportsPerRun;
  }

  @Override
  public void run(String robotId) {
    int received = 0;
    while (true) {
      Workflow.await(() -> !pending.isEmpty());
      received += pending.size();
      RobotTelemetry newest = pending.peekLast();
      pending.clear();
      try {
        fleet.recordTelemetry(newest);
      } catch (ActivityFailure failure) {
        // A robot the registry does not know yet: keep listening, its registration will follow.
        log.warn("telemetry of robot {} not recorded: {}", robotId, failure.getCause().getMessage());
      }
      if (received >= reportsPerRun && pending.isEmpty()) {
        // A report arriving now makes the server refuse this completion; the retried task sees it in pending.
        Workflow.continueAsNew(robotId);
      }
    }
  }

  @Override
  public void report(RobotTelemetry telemetry) {
    pending.add(telemetry);
    latest = telemetry;
  }

  @Override
  public RobotTelemetry latest() {
    return latest;
  }
}
