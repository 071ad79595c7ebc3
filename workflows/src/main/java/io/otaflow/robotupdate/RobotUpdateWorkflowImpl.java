package io.otaflow.robotupdate;

import io.otaflow.domain.RegistryOptions;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.release.Release;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The robot saga. Steps run on the robot's own task queue and every state change is recorded in the registry. Once
 * apply has been attempted, any failure, timeout or abort switches the robot back to its previous slot before the
 * workflow ends, so a robot is never left half-applied.
 */
public class RobotUpdateWorkflowImpl implements RobotUpdateWorkflow {

  private static final Logger log = Workflow.getLogger(RobotUpdateWorkflowImpl.class);
  private static final String SAFE_STATE_GATE = "safe-state-gate";

  private final RobotStateActivities registry =
      Workflow.newLocalActivityStub(RobotStateActivities.class, RegistryOptions.LOCAL);

  private RobotUpdateRequest request;
  private CancellationScope steps;
  private String abortReason;

  @Override
  public RobotUpdateResult update(RobotUpdateRequest request) {
    this.request = request;
    RobotUpdateResult[] result = new RobotUpdateResult[1];
    steps = Workflow.newCancellationScope(() -> result[0] = runSteps());
    if (abortReason != null) {
      steps.cancel(abortReason);
    }
    steps.run();
    return result[0];
  }

  @Override
  public void abort(String reason) {
    abortReason = reason;
    if (steps != null) {
      steps.cancel(reason);
    }
  }

  private RobotUpdateResult runSteps() {
    String robotId = request.robotId();
    Release release = request.release();
    DownloadActivities download = Workflow.newActivityStub(DownloadActivities.class,
        RobotActivityOptions.download(robotId, request.robotTimeout()));
    // Verify hashes a file on the robot's own disk: disk-work options, without the download's heartbeat timeout.
    DownloadActivities verify = Workflow.newActivityStub(DownloadActivities.class,
        RobotActivityOptions.slot(robotId, request.robotTimeout()));
    SlotActivities slots = Workflow.newActivityStub(SlotActivities.class,
        RobotActivityOptions.slot(robotId, request.robotTimeout()));
    HealthActivities health = Workflow.newActivityStub(HealthActivities.class,
        RobotActivityOptions.probe(robotId, request.robotTimeout()));

    String step = "download";
    boolean undoOnFailure = false;
    try {
      record(RobotUpdateState.DOWNLOADING, null, null);
      StagedArtifact staged = download.download(release);
      step = "verify";
      verify.verify(release, staged);
      record(RobotUpdateState.VERIFIED, null, null);

      // Robots updated before the safe-state gate existed replay without it.
      if (Workflow.getVersion(SAFE_STATE_GATE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        step = "safe-state";
        Optional<String> unsafe = awaitSafeState(release);
        if (unsafe.isPresent()) {
          return finish(RobotUpdateState.DEFERRED, "safe-state: still " + unsafe.get() + " after "
              + request.safeStateDeadline(), null);
        }
      }

      step = "apply";
      undoOnFailure = true;
      SlotSwitch slotSwitch = uncancellable(() -> slots.apply(release, staged));
      // A robot already committed to this release has nothing to undo: switching it "back" would downgrade it.
      undoOnFailure = !slotSwitch.fromSlot().equals(slotSwitch.toSlot());
      step = "health";
      record(RobotUpdateState.APPLIED, null, release.version());
      record(RobotUpdateState.HEALTH_CHECKING, null, null);
      Optional<String> unhealthy = healthGate(health, release);
      if (unhealthy.isPresent()) {
        return undoOnFailure ? compensate("health: " + unhealthy.get(), RobotUpdateState.ROLLED_BACK)
            : finish(RobotUpdateState.FAILED, "health: " + unhealthy.get(), release.version());
      }

      step = "commit";
      uncancellable(() -> {
        slots.commit(release);
        return null;
      });
      return finish(RobotUpdateState.COMMITTED, null, release.version());
    } catch (TemporalFailure failure) {
      String cause = describe(failure);
      // Robot-side errors already name their step ("verify: sha256 mismatch ..."); others get it here.
      String reason = cause.startsWith(step + ":") ? cause : step + ": " + cause;
      if (!undoOnFailure) {
        return finish(isOffline(failure) ? RobotUpdateState.OFFLINE : RobotUpdateState.FAILED, reason, null);
      }
      // A failed apply leaves the previous slot active (the switch is its last, atomic act): nothing was changed.
      return compensate(reason, step.equals("apply") ? RobotUpdateState.FAILED : RobotUpdateState.ROLLED_BACK);
    }
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
        RobotActivityOptions.probe(request.robotId(), request.robotTimeout()));
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
        return Optional.of(report.failure().orElse("unhealthy"));
      }
    }
    return Optional.empty();
  }

  /**
   * Switches the robot back, even when this workflow is being aborted or cancelled (hence the detached scope). The
   * robot confirms a rollback only once its previous release runs, its hooks ran and its probes passed; anything else
   * (no previous release, unreachable, a failing hook, unhealthy after switching back) ends ROLLBACK_FAILED with the
   * cause, never ROLLED_BACK. The rollout's rollback phase tries such a robot once more.
   */
  private RobotUpdateResult compensate(String reason, RobotUpdateState restoredState) {
    String[] installed = new String[1];
    TemporalFailure[] rollbackFailure = new TemporalFailure[1];
    Workflow.newDetachedCancellationScope(() -> {
      SlotActivities rollback = Workflow.newActivityStub(SlotActivities.class,
          RobotActivityOptions.rollback(request.robotId(), request.robotTimeout()));
      try {
        installed[0] = rollback.rollback(request.release());
      } catch (TemporalFailure failure) {
        rollbackFailure[0] = failure;
      }
    }).run();
    if (rollbackFailure[0] != null) {
      String cause = describe(rollbackFailure[0]);
      return finish(RobotUpdateState.ROLLBACK_FAILED,
          reason + "; " + (cause.startsWith("rollback:") ? cause : "rollback: " + cause), null);
    }
    return finish(restoredState, reason, installed[0]);
  }

  /** Records the final state even when the steps were cancelled, and returns it to the parent. */
  private RobotUpdateResult finish(RobotUpdateState state, String reason, String installedVersion) {
    Workflow.newDetachedCancellationScope(() -> record(state, reason, installedVersion)).run();
    if (state == RobotUpdateState.COMMITTED) {
      log.info("robot {} committed {} in rollout {}", request.robotId(), installedVersion, request.rolloutId());
    } else {
      log.warn("robot {} ended {} in rollout {}: {}", request.robotId(), state, request.rolloutId(), reason);
    }
    return new RobotUpdateResult(request.robotId(), state, reason, installedVersion);
  }

  private void record(RobotUpdateState state, String reason, String installedVersion) {
    registry.recordRobotState(request.rolloutId(), request.robotId(), state, reason, installedVersion);
  }

  /** A step the robot's worker never picked up: the robot is offline, not broken. */
  private static boolean isOffline(TemporalFailure failure) {
    return failure instanceof ActivityFailure && failure.getCause() instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }

  private String describe(TemporalFailure failure) {
    Throwable cause = failure instanceof ActivityFailure && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof CanceledFailure) {
      return abortReason == null ? "aborted" : "aborted: " + abortReason;
    }
    if (cause instanceof TimeoutFailure timeout) {
      return switch (timeout.getTimeoutType()) {
        case TIMEOUT_TYPE_SCHEDULE_TO_START -> "robot offline: no pickup within " + request.robotTimeout();
        case TIMEOUT_TYPE_HEARTBEAT -> "robot stopped heartbeating";
        default -> "timed out";
      };
    }
    if (cause instanceof ApplicationFailure application) {
      return application.getOriginalMessage();
    }
    return cause.getMessage();
  }
}
