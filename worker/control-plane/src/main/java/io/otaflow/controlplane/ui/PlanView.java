package io.otaflow.controlplane.ui;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.rollout.RolloutWebUi;
import java.util.List;
import java.util.Locale;

/** A rollout's plan as its page shows it, in the words and durations ("30m") of its Temporal Web UI summary. */
public record PlanView(String target, List<Stage> stages, String settings) {

  /** One stage's row. */
  public record Stage(String name, String robots, String bakeTime, String minHealthy, String maxFailures,
                      String approval) {
  }

  static PlanView of(RolloutRequest request) {
    RolloutPlan plan = request.plan();
    List<Stage> stages = plan.stages().stream().map(PlanView::stage).toList();
    String settings = String.format(Locale.ROOT, "At most %d robots at once; robot timeout %s; %d health checks over"
            + " %s; a robot not safe within %s is DEFERRED; on failure %s", plan.maxParallel(),
        RolloutWebUi.readable(plan.robotTimeout()), plan.healthChecks(), RolloutWebUi.readable(plan.healthSoak()),
        RolloutWebUi.readable(plan.withDefaults().safeStateDeadline()), plan.withDefaults().onFailure());
    return new PlanView(RolloutWebUi.target(request.target()), stages, settings);
  }

  private static Stage stage(StagePlan stage) {
    return new Stage(stage.name(), stage.count() != null ? stage.count().toString() : stage.percent() + " %",
        RolloutWebUi.readable(stage.bakeTime()), String.format(Locale.ROOT, "%.0f %%", stage.minHealthy() * 100),
        stage.maxFailures() == null ? "" : stage.maxFailures().toString(), stage.approval() ? "yes" : "");
  }
}
