package io.otaflow.robotupdate;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.WorkflowMetrics;
import io.otaflow.domain.WorkflowMetrics.RollbackCause;
import io.otaflow.release.Release;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The robot saga. Steps run on the robot's own task queue and every state change is recorded in the registry. Once
 * apply has been attempted, any failure, timeout or abort switches the robot back to its previous slot before the
 * workflow ends, so a robot is never left half-applied.
 */
public class RobotUpdateWorkflowImpl implements RobotUpdateWorkflow {

  private static final String SAFE_STATE_GATE = "safe-state-gate";
  /**
   * Version 1: the robot reports to its rollout by signal, and a stopped step is abandoned rather than cancelled on
   * the server (see {@link #stoppable}).
   */
  private static final String REPORT_TO_ROLLOUT = "report-to-rollout";
  /**
   * Version 1: one version marker instead of three (the report, the Web UI and the safe-state gate are all on), and
   * two fewer registry writes and state upserts: no VERIFIED (an update that gets further was verified, one that
   * waits for a safe state says so), and APPLIED merged into HEALTH_CHECKING, written once with the installed version.
   */
  private static final String LEAN_HISTORY = "lean-history";

  private RobotUpdateRequest request;
  private RobotWebUi webUi;
  private RobotRollback rollback;
  private CancellationScope steps;
  private String abortReason;
  /** Why a kill switch stopped this robot before it applied, or null. */
  private String holdReason;
  private boolean reports;
  private boolean lean;
  /** Apply has been asked of the robot: from here on a stop rolls back rather than just ends. */
  private boolean applying;

  @Override
  public RobotUpdateResult update(RobotUpdateRequest request) {
    this.request = request;
    // Asked before any step, where their markers cannot be confused with the events of a cancelled step. Robots
    // updated before their rollout listened for reports returned their result only.
    lean = Workflow.getVersion(LEAN_HISTORY, Workflow.DEFAULT_VERSION, 1) >= 1;
    reports = lean || Workflow.getVersion(REPORT_TO_ROLLOUT, Workflow.DEFAULT_VERSION, 1) >= 1;
    webUi = lean ? RobotWebUi.shown(request) : RobotWebUi.forThisRun(request);
    rollback = new RobotRollback(request, webUi);
    RobotUpdateResult[] result = new RobotUpdateResult[1];
    steps = Workflow.newCancellationScope(() -> result[0] = runSteps());
    if (abortReason != null || holdReason != null) {
      steps.cancel(abortReason != null ? abortReason : holdReason);
    }
    steps.run();
    if (reports) {
      rollback.report(result[0]);
    }
    return result[0];
  }

  @Override
  public void abort(String reason) {
    abortReason = reason;
    if (steps != null) {
      steps.cancel(reason);
    }
  }

  @Override
  public void stopBeforeApply(String reason) {
    if (applying || abortReason != null) {
      return;
    }
    holdReason = reason;
    if (steps != null) {
      steps.cancel(reason);
    }
  }

  @Override
  public void ping() {
    // Delivery is the answer: a signal to a workflow that ended fails, which the rollout notices.
  }

  private RobotUpdateResult runSteps() {
    String robotId = request.robotId();
    Release release = request.release();
    DownloadActivities download = Workflow.newActivityStub(DownloadActivities.class,
        stoppable(webUi.step(RobotActivityOptions.download(robotId, request.robotTimeout()), "download %s to %s")));
    // Verify hashes a file on the robot's own disk: disk-work options, without the download's heartbeat timeout.
    DownloadActivities verify = Workflow.newActivityStub(DownloadActivities.class,
        stoppable(webUi.step(RobotActivityOptions.slot(robotId, request.robotTimeout()), "verify %s on %s")));
    SlotActivities apply = Workflow.newActivityStub(SlotActivities.class,
        webUi.step(RobotActivityOptions.slot(robotId, request.robotTimeout()), "apply %s on %s"));
    SlotActivities commit = Workflow.newActivityStub(SlotActivities.class,
        webUi.step(RobotActivityOptions.slot(robotId, request.robotTimeout()), "commit %s on %s"));
    HealthActivities health = Workflow.newActivityStub(HealthActivities.class,
        stoppable(webUi.step(RobotActivityOptions.probe(robotId, request.robotTimeout()), "health check %s on %s")));

    String step = "download";
    boolean undoOnFailure = false;
    try {
      record(RobotUpdateState.DOWNLOADING, null, null);
      StagedArtifact staged = download.download(release);
      step = "verify";
      verify.verify(release, staged);
      if (!lean) {
        record(RobotUpdateState.VERIFIED, null, null);
      }

      // Robots updated before the safe-state gate existed replay without it.
      if (lean || Workflow.getVersion(SAFE_STATE_GATE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        step = "safe-state";
        Optional<String> unsafe = awaitSafeState(release);
        if (unsafe.isPresent()) {
          return finish(RobotUpdateState.DEFERRED, "safe-state: still " + unsafe.get() + " after "
              + request.safeStateDeadline(), null);
        }
      }

      step = "apply";
      undoOnFailure = true;
      applying = true;
      SlotSwitch slotSwitch = uncancellable(() -> apply.apply(release, staged));
      // A robot already committed to this release has nothing to undo: switching it "back" would downgrade it.
      undoOnFailure = !slotSwitch.fromSlot().equals(slotSwitch.toSlot());
      step = "health";
      if (lean) {
        record(RobotUpdateState.HEALTH_CHECKING, null, release.version());
      } else {
        record(RobotUpdateState.APPLIED, null, release.version());
        record(RobotUpdateState.HEALTH_CHECKING, null, null);
      }
      Optional<String> unhealthy = healthGate(health, release);
      if (unhealthy.isPresent()) {
        return undoOnFailure
            ? compensate("health: " + unhealthy.get(), RobotUpdateState.ROLLED_BACK, RollbackCause.HEALTH_GATE)
            : finish(RobotUpdateState.FAILED, "health: " + unhealthy.get(), release.version());
      }

      step = "commit";
      uncancellable(() -> {
        commit.commit(release);
        return null;
      });
      return finish(RobotUpdateState.COMMITTED, null, release.version());
    } catch (TemporalFailure failure) {
      if (holdReason != null && abortReason == null && !undoOnFailure) {
        // Nothing changed on the robot: it is pending again, and its rollout starts it once a person resumes.
        return finish(RobotUpdateState.PENDING, "stopped before apply at " + step + ": " + holdReason, null);
      }
      String cause = StepFailures.describe(failure, request.robotTimeout(), abortReason);
      // Robot-side errors already name their step ("verify: sha256 mismatch ..."); others get it here.
      String reason = cause.startsWith(step + ":") ? cause : step + ": " + cause;
      if (!undoOnFailure) {
        return finish(StepFailures.isOffline(failure) ? RobotUpdateState.OFFLINE : RobotUpdateState.FAILED, reason,
            null);
      }
      // A failed apply leaves the previous slot active (the switch is its last, atomic act): nothing was changed.
      return compensate(reason, step.equals("apply") ? RobotUpdateState.FAILED : RobotUpdateState.ROLLED_BACK,
          StepFailures.isStop(failure) ? RollbackCause.STOPPED : RollbackCause.STEP_FAILED);
    }
  }

  /**
   * A step before apply, or a probe, that a stop ends at once. Its activity is abandoned rather than cancelled: the
   * workflow goes on without it and the robot's activity ends at its next heartbeat (a download) or on its own (a
   * check), having changed nothing the next step relies on. Asking the server to cancel an activity that is just
   * completing wedged the robot workflow on Temporal's test server (every later workflow task refused with
   * ACTIVITY_UNKNOWN); robots updated before version 1 replay with the cancel request they sent.
   */
  private ActivityOptions stoppable(ActivityOptions options) {
    return reports ? options.toBuilder().setCancellationType(ActivityCancellationType.ABANDON).build() : options;
  }

  /**
   * Runs a step that changes the robot's slots to its end, even when an abort arrives meanwhile: the compensation
   * must never race an apply still running on the robot. The abort takes effect at the next step.
   */
  private static <T> T uncancellable(Supplier<T> step) {
    List<T> result = new ArrayList<>(1);
    Workflow.newDetachedCancellationScope(() -> result.add(step.get())).run();
    return result.get(0);
  }

  /**
   * Asks the robot whether it may be updated until it says yes or the deadline passes, waiting on a durable timer in
   * between; returns the last "not now" reason when the deadline passed.
   */
  private Optional<String> awaitSafeState(Release release) {
    SafetyActivities safety = Workflow.newActivityStub(SafetyActivities.class,
        stoppable(webUi.step(RobotActivityOptions.probe(request.robotId(), request.robotTimeout()),
            "safe-state check for %s on %s")));
    long deadline = Workflow.currentTimeMillis() + request.safeStateDeadline().toMillis();
    Duration interval = safeStateInterval(request.safeStateDeadline());
    SafeStateAnswer answer = safety.checkSafeState(release);
    if (!answer.safe()) {
      record(RobotUpdateState.WAITING_SAFE_STATE, answer.reason(), null);
    }
    while (!answer.safe()) {
      long remaining = deadline - Workflow.currentTimeMillis();
      if (remaining <= 0) {
        return Optional.of(answer.reason());
      }
      Workflow.sleep(Duration.ofMillis(Math.min(remaining, interval.toMillis())));
      answer = safety.checkSafeState(release);
    }
    return Optional.empty();
  }

  /** About twenty asks over the deadline, at least a second and at most a minute apart. */
  static Duration safeStateInterval(Duration deadline) {
    Duration twentieth = deadline.dividedBy(20);
    return twentieth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
        : twentieth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : twentieth;
  }

  /** Probes the robot {@code healthChecks} times spread over the soak window; the first failing reading ends it. */
  private Optional<String> healthGate(HealthActivities health, Release release) {
    int checks = request.healthChecks();
    Duration interval = checks > 1 ? request.healthSoak().dividedBy(checks - 1) : Duration.ZERO;
    for (int check = 0; check < checks; check++) {
      if (check > 0) {
        Workflow.sleep(interval);
      }
      HealthReport report = health.check(release);
      if (!report.healthy()) {
        report.failedProbe().ifPresent(WorkflowMetrics::healthGateFailed);
        return Optional.of(report.failure().orElse("unhealthy"));
      }
    }
    return Optional.empty();
  }

  /** Switches the robot back through the one rollback path; see {@link RobotRollback}. */
  private RobotUpdateResult compensate(String reason, RobotUpdateState restoredState, RollbackCause cause) {
    return rollback.switchBack(reason, restoredState, cause);
  }

  private RobotUpdateResult finish(RobotUpdateState state, String reason, String installedVersion) {
    return rollback.finish(state, reason, installedVersion);
  }

  private void record(RobotUpdateState state, String reason, String installedVersion) {
    rollback.record(state, reason, installedVersion);
  }
}
