package io.otaflow.robotupdate;

import io.otaflow.domain.OtaflowSearchAttributes;
import io.otaflow.domain.RobotUpdateState;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;

/**
 * What the Temporal Web UI shows of a robot's workflow as it runs: its state as the {@code OtaflowStatus} search
 * attribute, and a summary on each step ("download 2.0.0 to r07"). Its summary, details and stage come from the
 * rollout that starts it. Runs before this version show neither (both change the workflow's commands).
 */
final class RobotWebUi {

  private static final String VERSION_ID = "web-ui";

  private final RobotUpdateRequest request;
  private final boolean shown;

  private RobotWebUi(RobotUpdateRequest request, boolean shown) {
    this.request = request;
    this.shown = shown;
  }

  /** Asks which version this run is: once, at the top of the run, before any step. */
  static RobotWebUi forThisRun(RobotUpdateRequest request) {
    return new RobotWebUi(request, Workflow.getVersion(VERSION_ID, Workflow.DEFAULT_VERSION, 1) == 1);
  }

  /** For a run of a later version, which shows both. */
  static RobotWebUi shown(RobotUpdateRequest request) {
    return new RobotWebUi(request, true);
  }

  /** {@code options} with the step's summary; {@code step} formats the release's version, then the robot's ID. */
  ActivityOptions step(ActivityOptions options, String step) {
    return shown ? options.toBuilder().setSummary(String.format(step, request.release().version(), request.robotId()))
        .build() : options;
  }

  /** The robot's new state; its rollout, robot and release too, should its workflow have started without them. */
  void show(RobotUpdateState state) {
    if (shown) {
      new OtaflowSearchAttributes(request.rolloutId(), request.release().version(), request.robotId(), null,
          state.name()).upsertChanged();
    }
  }
}
