package io.otaflow.domain;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * What only the workflows know, counted where it happens through Temporal's metrics scope, which counts nothing while
 * a workflow replays: the worker's meter registry exports it (Prometheus adds {@code _total} to counters and
 * {@code _seconds} to timers), with Temporal's own tags (namespace, task queue, workflow type) beside otaflow's. Every
 * tag value comes from a short fixed list or the agent's configured probe names, never a robot or rollout ID.
 *
 * <p>At least once: a workflow task that runs again counts again (after a worker crash, or when the server refuses a
 * task's completion of the workflow because an event arrived meanwhile, which happens when a stage's end is also the
 * rollout's). The registry's counters ({@code otaflow_robot_updates_finished_total} and the like) are exact.
 */
public final class WorkflowMetrics {

  /** Why a robot is switched back to its previous release. */
  public enum RollbackCause {
    /** One of its health probes failed after apply. */
    HEALTH_GATE("health-gate"),
    /** A step after apply failed: commit, or the robot stopped answering during its health gate. */
    STEP_FAILED("step-failed"),
    /** Its rollout told it to stop (a stage failed, a person aborted) after it had applied. */
    STOPPED("stopped"),
    /** Its rollout's rollback phase switched it back after it had committed. */
    ROLLOUT("rollout");

    private final String tag;

    RollbackCause(String tag) {
      this.tag = tag;
    }
  }

  private WorkflowMetrics() {
  }

  /** A robot's health gate failed on {@code probe} (battery, temperature, a command probe's name...). */
  public static void healthGateFailed(String probe) {
    Workflow.getMetricsScope().tagged(Map.of("probe", probe)).counter("otaflow_health_gate_failures").inc(1);
  }

  /** A robot's switch back to its previous release begins. */
  public static void robotRollbackStarted(RollbackCause cause) {
    Workflow.getMetricsScope().tagged(Map.of("cause", cause.tag)).counter("otaflow_robot_rollbacks").inc(1);
  }

  /** A stage ended, having passed its threshold (and bake) or not, {@code took} after it started. */
  public static void stageEnded(boolean passed, Duration took) {
    Workflow.getMetricsScope().tagged(Map.of("result", passed ? "passed" : "failed"))
        .timer("otaflow_stage_duration").record(com.uber.m3.util.Duration.ofNanos(took.toNanos()));
  }
}
