package io.otaflow.robotupdate;

import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * A robot workflow's report to the rollout that started it. Robot workflows are abandoned by their rollout (it may
 * continue as new, or be terminated by hand, while they run). When the rollout run that started the robot is still
 * open as the robot's outcome is recorded, the robot workflow's result is the report: its end reaches that run as the
 * child's completion, with no signal and no workflow task to wait for its delivery (6 history events fewer per robot).
 * Otherwise the result goes by signal to the rollout's workflow ID, which reaches its current run, delivered before
 * the robot workflow ends. Public for the dev stack's instant stand-ins of robot workflows, which report the same way.
 */
public final class RolloutReport {

  /**
   * Reports before this were sent once: a report that reached the rollout run in the instant it continued as new was
   * refused, and the rollout later took the robot for lost.
   */
  private static final String SEND_REFUSED_REPORT_AGAIN = "send-refused-report-again";
  /** A report refused this many times is given up: the rollout has ended, not just continued as new. */
  private static final int TRIES = 3;
  private static final Logger log = Workflow.getLogger(RolloutReport.class);

  private RolloutReport() {
  }

  /**
   * Records the robot's outcome, the last registry write of its workflow; returns the rollout's open run as the
   * registry had it then, for {@link #send}, or null when the robot reports by signal whatever it is.
   */
  public static String recordOutcome(RobotStateActivities registry, RobotUpdateRequest request,
                                     RobotUpdateResult outcome) {
    if (request.reportsByResult()) {
      return registry.recordOutcome(request.rolloutId(), request.robotId(), outcome.outcome(), outcome.reason(),
          outcome.installedVersion());
    }
    registry.recordRobotState(request.rolloutId(), request.robotId(), outcome.outcome(), outcome.reason(),
        outcome.installedVersion());
    return null;
  }

  /**
   * Reports {@code result} by signal unless the rollout run that started this workflow was its open run when the
   * outcome was recorded ({@code openRun}, from {@link #recordOutcome}): then the workflow's result, returned next, is
   * the report. Should that run continue as new in between, its successor finds the outcome in the registry.
   */
  public static void send(RobotUpdateResult result, String openRun) {
    if (openRun != null && Workflow.getInfo().getParentRunId().filter(openRun::equals).isPresent()) {
      return;
    }
    Workflow.getInfo().getParentWorkflowId().ifPresent(rollout -> {
      for (int tried = 1; ; tried++) {
        try {
          // By name: the rollout's interface lives above this package (RolloutWorkflow#robotFinished).
          Workflow.newUntypedExternalWorkflowStub(rollout).signal("robotFinished", result);
          return;
        } catch (TemporalFailure refused) {
          // Temporal's test server looks up the rollout's current run, then delivers: a run that continued as new in
          // between refuses the report as NOT_FOUND (sdk-java#1538). By then the next run is current, so a new try
          // reaches it; a rollout that ended (terminated by hand) refuses every try, and the registry has the
          // robot's outcome all the same.
          boolean tryAgain = tried < TRIES
              && Workflow.getVersion(SEND_REFUSED_REPORT_AGAIN, Workflow.DEFAULT_VERSION, 1) == 1;
          if (!tryAgain) {
            log.warn("robot {} could not report {} to {}: {}", result.robotId(), result.outcome(), rollout,
                refused.getMessage());
            return;
          }
        }
      }
    });
  }
}
