package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.otaflow.release.Release;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.SlotSwitch;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Kill switch and the commands apply runs around the switch of {@code current}: real files, real processes. */
class ApplyHooksTest extends RobotSideTestSupport {

  private DiskSlotActivities slotsWith(List<String> before, List<String> after) {
    return new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters,
        new ApplyHooks(before, after, Duration.ofSeconds(5), disk.dir().resolve("kill-switch")), PassingProbes.ROUND);
  }

  private StagedArtifact staged(Release release) {
    StagedArtifact staged = download.download(release);
    download.verify(release, staged);
    return staged;
  }

  @Test
  void killSwitchRefusesApplyAndLeavesTheSlotUntouched() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = staged(v2);
    String stateBefore = stateJson();
    Path killSwitch = disk.dir().resolve("kill-switch");
    Files.writeString(killSwitch, "");

    ApplicationFailure failure = failureOf(() -> slots.apply(v2, staged));

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.KILL_SWITCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).isEqualTo("apply: kill switch on (" + killSwitch + ")");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(stateJson()).isEqualTo(stateBefore);
    assertThat(listing(disk.slot(RobotDisk.otherSlot(disk.readState().activeSlot())))).isEmpty();

    Files.delete(killSwitch);
    assertThat(slots.apply(v2, staged).toSlot()).isEqualTo(disk.readState().activeSlot());
    assertThat(currentVersion()).isEqualTo("2.0.0");
  }

  @Test
  void hooksRunBeforeAndAfterTheSwitch() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    Path log = temp.resolve("hooks.log");
    String record = "echo \"$0 $(cat " + disk.current().resolve("VERSION") + ")\" >> " + log;
    DiskSlotActivities hooked = slotsWith(List.of("sh -c '" + record + "' stop"),
        List.of("sh -c '" + record + "' start"));

    SlotSwitch result = hooked.apply(v2, staged(v2));

    assertThat(result.previousVersion()).isEqualTo("1.0.0");
    assertThat(Files.readAllLines(log)).containsExactly("stop 1.0.0", "start 2.0.0");
  }

  @Test
  void applyHeartbeatsWhileAHookRuns() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = staged(v2);
    TestActivityEnvironment activities = TestActivityEnvironment.newInstance();
    try {
      AtomicInteger heartbeats = new AtomicInteger();
      activities.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());
      activities.registerActivitiesImplementations(slotsWith(List.of("sleep 1.5"), List.of()));
      SlotActivities stub = activities.newActivityStub(SlotActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setHeartbeatTimeout(Duration.ofMillis(300))
          .build());

      assertThat(stub.apply(v2, staged).previousVersion()).isEqualTo("1.0.0");

      // The hook alone outlasts the heartbeat timeout five times over: without heartbeats the step would be lost.
      assertThat(heartbeats.get()).isGreaterThanOrEqualTo(2);
      assertThat(currentVersion()).isEqualTo("2.0.0");
    } finally {
      activities.close();
    }
  }

  @Test
  void failingBeforeSwitchLeavesTheSlotUntouched() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = staged(v2);
    String stateBefore = stateJson();
    DiskSlotActivities hooked = slotsWith(List.of("true", "echo stopping robot-app; echo unit busy >&2; exit 4"),
        List.of());

    ApplicationFailure failure = catchThrowableOfType(() -> hooked.apply(v2, staged), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HOOK_FAILED);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .startsWith("apply: beforeSwitch `echo stopping robot-app; echo unit busy >&2; exit 4` exited 4")
        .contains("stopping robot-app | unit busy")
        .endsWith("(nothing switched, still on 1.0.0)");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(stateJson()).isEqualTo(stateBefore);
    assertThat(listing(disk.slot(RobotDisk.otherSlot(disk.readState().activeSlot())))).isEmpty();
  }

  @Test
  void beforeSwitchTimingOutFailsApply() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    DiskSlotActivities hooked = new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters,
        new ApplyHooks(List.of("sleep 30"), List.of(), Duration.ofMillis(300), null), PassingProbes.ROUND);

    long start = System.nanoTime();
    ApplicationFailure failure = catchThrowableOfType(() -> hooked.apply(v2, staged(v2)), ApplicationFailure.class);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(failure.getOriginalMessage()).contains("`sleep 30` timed out after 300ms");
    assertThat(currentVersion()).isEqualTo("1.0.0");
  }

  @Test
  void failingAfterSwitchSwitchesBackToThePreviousSlot() throws Exception {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = staged(v2);
    RobotDiskState before = disk.readState();
    Path starts = temp.resolve("starts.log");
    // Fails on 2.0.0 (the new release's service does not start), succeeds on 1.0.0 after the switch back.
    String start = "v=$(cat " + disk.current().resolve("VERSION") + "); echo $v >> " + starts
        + "; if [ $v = 2.0.0 ]; then echo robot-app failed to start; exit 3; fi";
    DiskSlotActivities hooked = slotsWith(List.of(), List.of(start));

    ApplicationFailure failure = catchThrowableOfType(() -> hooked.apply(v2, staged), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HOOK_FAILED);
    assertThat(failure.getOriginalMessage())
        .startsWith("apply: afterSwitch `" + start + "` exited 3: robot-app failed to start")
        .endsWith("(switched back to 1.0.0 in slot " + before.activeSlot() + ")");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState()).isEqualTo(before);
    assertThat(Files.readAllLines(starts)).containsExactly("2.0.0", "1.0.0");
  }
}
