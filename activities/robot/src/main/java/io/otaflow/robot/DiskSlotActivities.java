package io.otaflow.robot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.SlotSwitch;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A/B slots on the robot's own disk. All three methods are safe to retry, and heartbeat while they run (hooks and
 * unpacking can take minutes), so a step lost with a killed agent is retried soon after it restarts.
 */
public class DiskSlotActivities implements SlotActivities {

  private static final Logger log = LoggerFactory.getLogger(DiskSlotActivities.class);
  /**
   * Refusals of the artifact itself, after which its staged file is only litter. A kill switch or a failed hook
   * refuses the moment, not the artifact: it stays staged, for the next apply once the robot is ready.
   */
  private static final Set<String> REFUSED_ARTIFACT =
      Set.of(RobotErrors.ARCHIVE_INVALID, RobotErrors.CHECKSUM_MISMATCH, RobotErrors.DISK_FULL);

  private final RobotDisk disk;
  private final long maxExpandedBytes;
  private final MeterRegistry registry;
  private final ApplyHooks hooks;
  private final Function<String, HealthReport> probeRound;

  /**
   * @param hooks      kill switch and the commands run around the switch of {@code current}, on apply and rollback
   * @param probeRound one round of the robot's health probes, given the version that should be running: a rollback
   *                   is confirmed only once they pass on the release it went back to
   */
  public DiskSlotActivities(RobotDisk disk, long maxExpandedBytes, MeterRegistry registry, ApplyHooks hooks,
                            Function<String, HealthReport> probeRound) {
    this.disk = disk;
    this.maxExpandedBytes = maxExpandedBytes;
    this.registry = registry;
    this.hooks = hooks;
    this.probeRound = probeRound;
  }

  @Override
  public SlotSwitch apply(Release release, StagedArtifact artifact) {
    return ActivityKeepAlive.during(() -> unpackAndSwitch(release, artifact));
  }

  private SlotSwitch unpackAndSwitch(Release release, StagedArtifact artifact) {
    HttpDownloadActivities.requireValid("apply", release);
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failed";
    try {
      synchronized (disk) {
        RobotDiskState state = disk.readState();
        Optional<String> rollout = UpdatingRollout.ofCurrentStep();
        UpdatingRollout.requireNoOther("apply", state, rollout);
        if (release.version().equals(state.installedVersion())) {
          disk.alignCurrentWith(state);
          outcome = "already_applied";
          log.info("robot {}: {} is already active in slot {}", disk.dir(), release.version(), state.activeSlot());
          return sameSwitch(state);
        }
        Optional<String> killSwitch = hooks.killSwitchOn();
        if (killSwitch.isPresent()) {
          throw ApplicationFailure.newNonRetryableFailure("apply: " + killSwitch.get(), RobotSideErrors.KILL_SWITCH);
        }
        // The signed manifest's release number goes into state.json with the switch; unsigned keeps the old one.
        // beforeSwitch hooks (stop the robot's services) run once the slot is unpacked, right before the switch.
        SlotSwitch result = disk.unpackAndSwitch(Path.of(artifact.path()), release.version(), false, maxExpandedBytes,
            ReleaseManifestCheck.releaseNumber(release), rollout.orElse(null), release.sha256(),
            () -> hooks.run(hooks.beforeSwitch()).ifPresent(failure -> {
              hooks.restartServices(disk.dir(), state.installedVersion());
              throw ApplicationFailure.newNonRetryableFailure("apply: beforeSwitch " + failure
                  + " (nothing switched, still on " + state.installedVersion() + ")", RobotSideErrors.HOOK_FAILED);
            }));
        Optional<String> afterFailure = hooks.run(hooks.afterSwitch());
        if (afterFailure.isPresent()) {
          switchBack(state, release);
          throw ApplicationFailure.newNonRetryableFailure("apply: afterSwitch " + afterFailure.get()
              + " (switched back to " + state.installedVersion() + " in slot " + state.activeSlot() + ")",
              RobotSideErrors.HOOK_FAILED);
        }
        outcome = "switched";
        return result;
      }
    } catch (ApplicationFailure e) {
      outcome = "refused";
      if (REFUSED_ARTIFACT.contains(e.getType())) {
        deleteStaged(release);
      }
      throw e;
    } finally {
      sample.stop(Timer.builder("otaflow.agent.apply.duration").tag("outcome", outcome).register(registry));
    }
  }

  /**
   * Puts state.json and {@code current} back as they were before apply, then runs the afterSwitch hooks again so
   * the previous release's services start (best effort: the failure being reported is the new release's).
   */
  private void switchBack(RobotDiskState before, Release release) {
    disk.writeState(before);
    disk.switchCurrentTo(before.activeSlot());
    log.warn("robot {}: afterSwitch failed on {}, switched back to {} (slot {})", disk.dir(), release.version(),
        before.installedVersion(), before.activeSlot());
    hooks.restartServices(disk.dir(), before.installedVersion());
  }

  /**
   * A retry of an apply that went through returns the switch it made. A release that was already running
   * and committed reports no switch at all (fromSlot == toSlot): the rollout changed nothing on this robot.
   */
  private static SlotSwitch sameSwitch(RobotDiskState state) {
    if (state.committed() || state.previousSlot() == null) {
      return new SlotSwitch(state.activeSlot(), state.activeSlot(), state.installedVersion());
    }
    return new SlotSwitch(state.previousSlot(), state.activeSlot(), state.previousVersion());
  }

  @Override
  public void commit(Release release) {
    ActivityKeepAlive.during(() -> markCommitted(release));
  }

  private void markCommitted(Release release) {
    synchronized (disk) {
      RobotDiskState state = stateToCommit(disk, release);
      disk.alignCurrentWith(state);
      recordCommitted(disk, state);
      deleteStaged(release);
      log.info("robot {}: {} committed in slot {}", disk.dir(), release.version(), state.activeSlot());
    }
  }

  /**
   * The robot's state, for a commit of {@code release}: refused (non-retryable) unless it is the active version and
   * no other rollout is in the middle of an update here.
   */
  static RobotDiskState stateToCommit(RobotDisk disk, Release release) {
    RobotDiskState state = disk.readState();
    UpdatingRollout.requireNoOther("commit", state, UpdatingRollout.ofCurrentStep());
    if (!release.version().equals(state.installedVersion())) {
      throw ApplicationFailure.newNonRetryableFailure("commit: " + release.version()
          + " is not the active version (active: " + state.installedVersion() + ")", RobotSideErrors.NOT_ACTIVE);
    }
    return state;
  }

  /** The active release kept for good and the update's lease released, unless a commit before did it already. */
  static void recordCommitted(RobotDisk disk, RobotDiskState state) {
    if (!state.committed() || state.updatingRollout() != null) {
      disk.writeState(state.withCommitted(true).withUpdatingRollout(null));
    }
  }

  @Override
  public String rollback(Release release) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failed";
    try {
      String running = ActivityKeepAlive.during(() -> switchToPrevious(release));
      outcome = "switched";
      return running;
    } finally {
      sample.stop(Timer.builder("otaflow.agent.rollback.duration").tag("outcome", outcome).register(registry));
    }
  }

  /**
   * Switches back in steps that a retry after a crash at any point finishes: beforeSwitch hooks, state.json (noting
   * the version left in {@code rollingBackFrom}), the {@code current} link, afterSwitch hooks, one round of probes on
   * the release now running, and only then the note cleared. Whatever cannot be done is a non-retryable failure
   * naming it; the robot stays on the previous release once switched.
   */
  private String switchToPrevious(Release release) {
    synchronized (disk) {
      RobotDiskState state = disk.readState();
      disk.alignCurrentWith(state);
      if (!release.version().equals(state.rollingBackFrom())) {
        UpdatingRollout.requireNoOther("rollback", state, UpdatingRollout.ofCurrentStep());
        if (!release.version().equals(state.installedVersion())) {
          log.info("robot {}: rollback of {} is a no-op, {} is active", disk.dir(), release.version(),
              state.installedVersion());
          return state.installedVersion();
        }
        if (state.previousSlot() == null) {
          throw refuseRollback("no previous release on this robot, still running " + release.version(),
              RobotSideErrors.NO_PREVIOUS_RELEASE);
        }
        // A failing stop hook must not keep the robot on the release being rolled back: switch anyway, report it.
        Optional<String> stopFailure = hooks.run(hooks.beforeSwitch());
        state = state.rolledBackToPrevious();
        disk.writeState(state);
        disk.switchCurrentTo(state.activeSlot());
        log.info("robot {}: switched back from {} to {} (slot {})", disk.dir(), release.version(),
            state.installedVersion(), state.activeSlot());
        if (stopFailure.isPresent()) {
          hooks.restartServices(disk.dir(), state.installedVersion());
          throw refuseRollback("beforeSwitch " + stopFailure.get() + " (switched back to "
              + state.installedVersion() + " anyway)", RobotSideErrors.HOOK_FAILED);
        }
      }
      Optional<String> startFailure = hooks.run(hooks.afterSwitch());
      if (startFailure.isPresent()) {
        throw refuseRollback("afterSwitch " + startFailure.get() + " (switched back to "
            + state.installedVersion() + ")", RobotSideErrors.HOOK_FAILED);
      }
      HealthReport health = probeRound.apply(state.installedVersion());
      if (!health.healthy()) {
        throw refuseRollback("unhealthy after switching back to " + state.installedVersion() + ": "
            + health.failure().orElse("unhealthy"), RobotSideErrors.UNHEALTHY_AFTER_ROLLBACK);
      }
      disk.writeState(state.rollbackFinished());
      deleteStaged(release);
      log.info("robot {}: rolled back {} to {} (slot {}), hooks ran and probes passed", disk.dir(),
          release.version(), state.installedVersion(), state.activeSlot());
      return state.installedVersion();
    }
  }

  /** Logged as one line by {@link RefusalLogging} on the robot's worker. */
  private static ApplicationFailure refuseRollback(String why, String type) {
    return ApplicationFailure.newNonRetryableFailure("rollback: " + why, type);
  }

  private void deleteStaged(Release release) {
    Path staged = disk.stagedArtifact(release.version());
    try {
      Files.deleteIfExists(staged);
    } catch (IOException e) {
      log.warn("robot {}: cannot delete {}: {}", disk.dir(), staged, e.toString());
    }
  }
}
