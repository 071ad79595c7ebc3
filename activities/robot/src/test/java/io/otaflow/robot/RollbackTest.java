package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.otaflow.release.Release;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A rollback is confirmed only when the previous release is back in place, its hooks ran and one round of probes
 * passed on it; anything less is a non-retryable failure naming what is wrong, and the robot stays on the previous
 * release once switched.
 */
class RollbackTest extends RobotSideTestSupport {

  private final List<String> probed = new ArrayList<>();

  private DiskSlotActivities slotsWith(List<String> before, List<String> after, boolean healthy) {
    Function<String, HealthReport> probes = version -> {
      probed.add(version);
      return new HealthReport(List.of(new ProbeResult("temperature", healthy,
          healthy ? "temperature 40.0C <= 80.0C" : "temperature 93.0C > 80.0C")));
    };
    return new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters,
        new ApplyHooks(before, after, Duration.ofSeconds(5), null), probes);
  }

  /** 1.0.0 committed, then 2.0.0 applied by {@code slots}. */
  private Release v2AppliedOverV1(DiskSlotActivities slots) {
    install(servedRelease("1.0.0"));
    Release v2 = servedRelease("2.0.0");
    StagedArtifact staged = download.download(v2);
    download.verify(v2, staged);
    slots.apply(v2, staged);
    return v2;
  }

  private String hookRecorder(Path log, String name) {
    return "echo \"" + name + " $(cat " + disk.current().resolve("VERSION") + ")\" >> " + log;
  }

  @Test
  void rollbackRunsTheHooksAroundTheSwitchBackThenProbesThePreviousRelease() throws Exception {
    Path log = temp.resolve("hooks.log");
    DiskSlotActivities slots = slotsWith(List.of(hookRecorder(log, "stop")), List.of(hookRecorder(log, "start")),
        true);
    Release v2 = v2AppliedOverV1(slots);
    Files.delete(log);

    assertThat(slots.rollback(v2)).isEqualTo("1.0.0");

    assertThat(Files.readAllLines(log)).containsExactly("stop 2.0.0", "start 1.0.0");
    assertThat(probed).containsExactly("1.0.0");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState().rollingBackFrom()).isNull();
  }

  @Test
  void robotWithNoPreviousReleaseCannotBeRolledBackAndSaysSo() throws Exception {
    DiskSlotActivities slots = slotsWith(List.of(), List.of(), true);
    Release v1 = servedRelease("1.0.0");
    StagedArtifact staged = download.download(v1);
    slots.apply(v1, staged);

    ApplicationFailure failure = catchThrowableOfType(() -> slots.rollback(v1), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.NO_PREVIOUS_RELEASE);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage())
        .isEqualTo("rollback: no previous release on this robot, still running 1.0.0");
    assertThat(currentVersion()).isEqualTo("1.0.0");
  }

  @Test
  void failingStartHookLeavesThePreviousReleaseInPlaceAndARetryFinishesTheRollback() throws Exception {
    DiskSlotActivities failing = slotsWith(List.of(), List.of("echo cannot start >&2; exit 3"), true);
    Release v2 = v2AppliedOverV1(slotsWith(List.of(), List.of(), true));

    ApplicationFailure failure = catchThrowableOfType(() -> failing.rollback(v2), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HOOK_FAILED);
    assertThat(failure.getOriginalMessage()).startsWith("rollback: afterSwitch `echo cannot start >&2; exit 3` exited 3")
        .endsWith("(switched back to 1.0.0)");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState().rollingBackFrom()).isEqualTo("2.0.0");
    assertThat(probed).isEmpty();

    assertThat(slotsWith(List.of(), List.of(), true).rollback(v2)).isEqualTo("1.0.0");
    assertThat(probed).containsExactly("1.0.0");
    assertThat(disk.readState().rollingBackFrom()).isNull();
  }

  @Test
  void failingStopHookStillSwitchesBackAndReportsTheHook() throws Exception {
    DiskSlotActivities failing = slotsWith(List.of("exit 4"), List.of(), true);
    Release v2 = v2AppliedOverV1(slotsWith(List.of(), List.of(), true));

    ApplicationFailure failure = catchThrowableOfType(() -> failing.rollback(v2), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.HOOK_FAILED);
    assertThat(failure.getOriginalMessage()).startsWith("rollback: beforeSwitch `exit 4` exited 4")
        .endsWith("(switched back to 1.0.0 anyway)");
    assertThat(currentVersion()).isEqualTo("1.0.0");
  }

  @Test
  void unhealthyAfterSwitchingBackIsAFailedRollbackOnThePreviousRelease() throws Exception {
    Release v2 = v2AppliedOverV1(slotsWith(List.of(), List.of(), true));

    ApplicationFailure failure = catchThrowableOfType(() -> slotsWith(List.of(), List.of(), false).rollback(v2),
        ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(RobotSideErrors.UNHEALTHY_AFTER_ROLLBACK);
    assertThat(failure.getOriginalMessage())
        .isEqualTo("rollback: unhealthy after switching back to 1.0.0: temperature 93.0C > 80.0C");
    assertThat(currentVersion()).isEqualTo("1.0.0");
    assertThat(disk.readState().installedVersion()).isEqualTo("1.0.0");
  }
}
