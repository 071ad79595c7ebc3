package io.otaflow.rollout;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.OtaflowSearchAttributes;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.temporal.client.WorkflowOptions;
import io.temporal.workflow.ChildWorkflowOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the Temporal Web UI shows of a rollout's workflows besides their IDs, fixed when each starts: a summary (one
 * line, in the list of workflows), details (Markdown, on the workflow's page) and the search attributes it starts
 * with. The control plane starts a rollout's workflows with {@link #workflowOptions}; the rollout adds the same to its
 * robots' with {@link #robotUpdate} and {@link #robotRollback}.
 */
public final class RolloutWebUi {

  /** What Temporal keeps of a static summary and of static details. */
  private static final int SUMMARY_BYTES = 200;
  private static final int DETAILS_BYTES = 20_000;
  /** Robots a target names before it says how many more. */
  private static final int ROBOTS_NAMED = 10;
  private static final String ELLIPSIS = "…";

  private RolloutWebUi() {
  }

  /** How the rollout's workflow (or its rollback's, once ordered) starts. */
  public static WorkflowOptions workflowOptions(String workflowId, RolloutRequest request) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(OtaflowNames.CONTROL_TASK_QUEUE)
        .setTypedSearchAttributes(new OtaflowSearchAttributes(request.rolloutId(), request.release().version(), null,
            null, RolloutStatus.PENDING.name()).toSearchAttributes())
        .setStaticSummary(fit(summary(request), SUMMARY_BYTES))
        .setStaticDetails(fit(details(request), DETAILS_BYTES))
        .build();
  }

  /** A robot's update in {@code stage}: "2.0.0 to r07 · rollout r1 · stage 10%". */
  static ChildWorkflowOptions.Builder robotUpdate(ChildWorkflowOptions.Builder options, RolloutRequest request,
                                                  String robotId, StagePlan stage) {
    String version = request.release().version();
    RolloutPlan plan = request.plan();
    return options
        // Its first state: the robot workflow need not upsert it, one event fewer per robot.
        .setTypedSearchAttributes(new OtaflowSearchAttributes(request.rolloutId(), version, robotId, stage.name(),
            RobotUpdateState.DOWNLOADING.name()).toSearchAttributes())
        .setStaticSummary(fit(version + " to " + robotId + " · rollout " + request.rolloutId() + " · stage "
            + stage.name(), SUMMARY_BYTES))
        .setStaticDetails(fit(String.format(Locale.ROOT, "Robot `%s` gets release **%s** (rollout `%s`, stage `%s`):"
                + " download, verify, wait for a safe state (up to %s), apply, %d health checks over %s, commit."
                + " Anything failing after apply switches it back to its previous release.", robotId, version,
            request.rolloutId(), stage.name(), readable(plan.safeStateDeadline()), plan.healthChecks(),
            readable(plan.healthSoak())), DETAILS_BYTES));
  }

  /**
   * A robot switched back by the rollout: {@code stage} is the stage its outcome counts for, null in the rollback
   * phase; {@code why} is the rollout's reason.
   */
  static ChildWorkflowOptions.Builder robotRollback(ChildWorkflowOptions.Builder options, RolloutRequest request,
                                                    String robotId, StagePlan stage, String why) {
    String version = request.release().version();
    return options
        .setTypedSearchAttributes(new OtaflowSearchAttributes(request.rolloutId(), version, robotId,
            stage == null ? null : stage.name(), null).toSearchAttributes())
        .setStaticSummary(fit("roll back " + robotId + " from " + version + " · rollout " + request.rolloutId(),
            SUMMARY_BYTES))
        .setStaticDetails(fit("Robot `" + robotId + "` goes back from release **" + version
            + "** to its previous one (rollout `" + request.rolloutId() + "`): " + why, DETAILS_BYTES));
  }

  /** "2.0.0 to robots labelled site=lyon: canary → 10% → 100%"; a rollback after the end says who ordered it. */
  private static String summary(RolloutRequest request) {
    String stages = request.plan().stages().stream().map(StagePlan::name).collect(Collectors.joining(" → "));
    String rollout = request.release().version() + " to " + target(request.target()) + ": " + stages;
    OperatorCommand order = request.rollbackOrder();
    return order == null ? rollout : "roll back " + rollout + " · ordered by " + order.by() + ": " + order.reason();
  }

  /** The release, the target and the plan in short: a row per stage, each analysis check, the plan-wide limits. */
  private static String details(RolloutRequest request) {
    RolloutPlan plan = request.plan();
    StringBuilder text = new StringBuilder();
    OperatorCommand order = request.rollbackOrder();
    if (order != null) {
      text.append("**Rollback after the end**, ordered by ").append(order.by()).append(": ").append(order.reason())
          .append("\n\n");
    }
    text.append(String.format(Locale.ROOT, "Rollout `%s`: release **%s** (%d bytes, sha256 `%s`) to %s.\n\n",
        request.rolloutId(), request.release().version(), request.release().sizeBytes(), request.release().sha256(),
        target(request.target())));
    text.append("| stage | robots | bake | min healthy | max failures | approval |\n|---|---|---|---|---|---|\n");
    for (StagePlan stage : plan.stages()) {
      text.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f%% | %s | %s |\n", stage.name(),
          stage.count() != null ? stage.count().toString() : stage.percent() + "%", readable(stage.bakeTime()),
          stage.minHealthy() * 100, stage.maxFailures() == null ? "–" : stage.maxFailures().toString(),
          stage.approval() ? "yes" : "no"));
    }
    for (StagePlan stage : plan.stages()) {
      if (stage.analysis() != null) {
        stage.analysis().checks().forEach(check -> text.append(String.format(Locale.ROOT,
            "\nStage %s analysis `%s`: `%s` %s, %d times %s apart, failure limit %d, inconclusive: %s.\n",
            stage.name(), check.name(), check.query(), check.successCondition(), check.count(),
            readable(check.interval()), check.failureLimit(), check.inconclusive())));
      }
    }
    text.append(String.format(Locale.ROOT, "\nAt most %d robots at once; a step not picked up within %s makes its"
            + " robot OFFLINE; %d health checks over %s; a robot not safe within %s is DEFERRED; a failed stage: %s.",
        plan.maxParallel(), readable(plan.robotTimeout()), plan.healthChecks(), readable(plan.healthSoak()),
        readable(plan.safeStateDeadline()), plan.withDefaults().onFailure()));
    return text.toString();
  }

  /** Whom a rollout targets, in words: listed robots (the first few named), labels, or the whole fleet. */
  public static String target(TargetSelector target) {
    if (!target.robotIds().isEmpty()) {
      int more = target.robotIds().size() - ROBOTS_NAMED;
      return "robots " + String.join(", ", target.robotIds().subList(0, Math.min(ROBOTS_NAMED,
          target.robotIds().size()))) + (more > 0 ? " and " + more + " more" : "");
    }
    if (!target.labels().isEmpty()) {
      Map<String, String> sorted = new TreeMap<>(target.labels());
      return "robots labelled " + sorted.entrySet().stream().map(label -> label.getKey() + "=" + label.getValue())
          .collect(Collectors.joining(", "));
    }
    return "the whole fleet";
  }

  /** "30m", "1h30m", "0s". */
  public static String readable(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  /** {@code text} cut, whole characters only, to the bytes Temporal keeps of it. */
  private static String fit(String text, int maxBytes) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= maxBytes) {
      return text;
    }
    int end = maxBytes - ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;
    // Back to the first byte of a character: UTF-8's continuation bytes are 10xxxxxx.
    while ((utf8[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(utf8, 0, end, StandardCharsets.UTF_8) + ELLIPSIS;
  }
}
