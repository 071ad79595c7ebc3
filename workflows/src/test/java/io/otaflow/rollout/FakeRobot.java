package io.otaflow.rollout;

import io.otaflow.release.Release;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.HealthActivities;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.SafeStateAnswer;
import io.otaflow.robotupdate.SafetyActivities;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.SlotSwitch;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fake for the robot edge: a robot's two slots in memory. The real disk implementation has its own tests; this
 * one lets workflow tests make a robot hot, corrupt or slow.
 */
class FakeRobot implements DownloadActivities, SlotActivities, HealthActivities, SafetyActivities {

  /** Orders events across robots, so a test can tell what happened before what. */
  static final AtomicLong CLOCK = new AtomicLong();

  final String id;
  private volatile String active;
  private volatile String previous;
  volatile boolean hot;
  volatile boolean corruptDownload;
  /** When set, downloads wait for it: lets a test act while a robot is mid-update. */
  volatile CountDownLatch downloadGate;
  final CountDownLatch downloadStarted = new CountDownLatch(1);
  volatile long downloadedAt = -1;
  /** While set, apply waits for it to open (the robot stays mid-apply), heartbeating. */
  volatile CountDownLatch applyGate;
  final CountDownLatch applyStarted = new CountDownLatch(1);
  /** While set, commit waits for it to open, heartbeating. */
  volatile CountDownLatch commitGate;
  final CountDownLatch commitStarted = new CountDownLatch(1);
  volatile int rollbacks;
  /** How many more safe-state checks answer "mission running"; negative means forever. */
  volatile int busyChecks;
  volatile int safeStateChecks;
  volatile int applies;
  /** A robot whose disk refuses the switch back (read-only after a fault): its rollback can never be confirmed. */
  volatile boolean rollbackFails;

  FakeRobot(String id, String installedVersion) {
    this.id = id;
    this.active = installedVersion;
  }

  /** A robot straight from the factory: nothing installed, so nothing to roll back to after its first update. */
  void neverInstalled() {
    active = null;
  }

  String installedVersion() {
    return active;
  }

  @Override
  public StagedArtifact download(Release release) {
    downloadedAt = CLOCK.incrementAndGet();
    downloadStarted.countDown();
    pass(downloadGate);
    return new StagedArtifact("/staging/" + release.version(), corruptDownload ? "0".repeat(64) : release.sha256(),
        release.sizeBytes());
  }

  @Override
  public void verify(Release release, StagedArtifact artifact) {
    if (!artifact.sha256().equals(release.sha256())) {
      throw ApplicationFailure.newNonRetryableFailure("verify: sha256 mismatch", RobotErrors.CHECKSUM_MISMATCH);
    }
  }

  @Override
  public SlotSwitch apply(Release release, StagedArtifact artifact) {
    applyStarted.countDown();
    pass(applyGate);
    synchronized (this) {
      applies++;
      if (!release.version().equals(active)) {
        previous = active;
        active = release.version();
      }
      return new SlotSwitch("a", "b", previous);
    }
  }

  /** Waits for {@code gate} (none: goes on), heartbeating like the real steps: that is how a cancellation arrives. */
  private static void pass(CountDownLatch gate) {
    try {
      while (gate != null && !gate.await(100, TimeUnit.MILLISECONDS)) {
        Activity.getExecutionContext().heartbeat(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void commit(Release release) {
    commitStarted.countDown();
    pass(commitGate);
  }

  @Override
  public synchronized String rollback(Release release) {
    if (rollbackFails) {
      throw ApplicationFailure.newNonRetryableFailure("rollback: slots/a is read-only", "SlotWriteFailed");
    }
    if (release.version().equals(active) && previous == null) {
      throw ApplicationFailure.newNonRetryableFailure("rollback: no previous release on this robot, still running "
          + active, "NoPreviousRelease");
    }
    if (release.version().equals(active)) {
      active = previous;
      previous = null;
      rollbacks++;
    }
    return active;
  }

  @Override
  public SafeStateAnswer checkSafeState(Release release) {
    safeStateChecks++;
    if (busyChecks == 0) {
      return SafeStateAnswer.safeNow();
    }
    busyChecks--;
    return SafeStateAnswer.notNow("mission running");
  }

  @Override
  public HealthReport check(Release release) {
    return new HealthReport(List.of(
        new ProbeResult("temperature", !hot, hot ? "temperature 93.0C > 80.0C" : "temperature 40.0C"),
        new ProbeResult("service", release.version().equals(active), "service: running " + active)));
  }
}
