package io.otaflow.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a release reaches the fleet: ordered stages plus plan-wide limits.
 *
 * @param stages       in order; the first may be a canary given by count, the rest by cumulative percent
 * @param maxParallel  most robots updating at the same time (bounded well below Temporal's 2,000 pending children)
 * @param robotTimeout how long a robot may take to pick up each step before it is reported OFFLINE
 * @param healthChecks how many times the health gate probes a robot over the soak window (at least 1)
 * @param healthSoak   the soak window the health checks are spread over
 * @param safeStateDeadline how long a robot may stay unsafe (on a mission, undocked, low battery, outside its
 *                     maintenance window) before it is DEFERRED instead of updated
 * @param onFailure    what the rollout does when a stage cannot pass; null (plans from before it existed) is
 *                     {@link FailureAction#ROLLBACK_ALL}
 * @param fourEyesApproval the stages' approvals must come from someone other than the person who started the
 *                     rollout (absent from a plan: false)
 * @param progressDeadline how long a stage may run (from its start or a person's resume, bake included, not while
 *                     paused or waiting for approval) before the control plane reports it stuck; null: never. Only
 *                     watched, by a metric and its alert: a stuck stage is a question for a person, not a failure
 */
public record RolloutPlan(List<StagePlan> stages, int maxParallel, Duration robotTimeout, int healthChecks,
                          Duration healthSoak, Duration safeStateDeadline, FailureAction onFailure,
                          boolean fourEyesApproval, Duration progressDeadline) {

  /** Robots get {@link #DEFAULT_SAFE_STATE_DEADLINE} to reach a safe state. */
  public static final Duration DEFAULT_SAFE_STATE_DEADLINE = Duration.ofHours(1);

  public RolloutPlan(List<StagePlan> stages, int maxParallel, Duration robotTimeout, int healthChecks,
                     Duration healthSoak) {
    this(stages, maxParallel, robotTimeout, healthChecks, healthSoak, DEFAULT_SAFE_STATE_DEADLINE);
  }

  /** A plan whose approvals anyone with the role may give. */
  public RolloutPlan(List<StagePlan> stages, int maxParallel, Duration robotTimeout, int healthChecks,
                     Duration healthSoak, Duration safeStateDeadline, FailureAction onFailure) {
    this(stages, maxParallel, robotTimeout, healthChecks, healthSoak, safeStateDeadline, onFailure, false, null);
  }

  /** A plan that rolls everything back when a stage fails. */
  public RolloutPlan(List<StagePlan> stages, int maxParallel, Duration robotTimeout, int healthChecks,
                     Duration healthSoak, Duration safeStateDeadline) {
    this(stages, maxParallel, robotTimeout, healthChecks, healthSoak, safeStateDeadline, FailureAction.ROLLBACK_ALL);
  }

  /**
   * The plan with the documented defaults for what a plan file may leave out ({@code safeStateDeadline},
   * {@code onFailure}); records read from JSON or YAML get nulls where a field is absent.
   */
  public RolloutPlan withDefaults() {
    return new RolloutPlan(stages, maxParallel, robotTimeout, healthChecks, healthSoak,
        safeStateDeadline != null ? safeStateDeadline : DEFAULT_SAFE_STATE_DEADLINE,
        onFailure != null ? onFailure : FailureAction.ROLLBACK_ALL, fourEyesApproval, progressDeadline);
  }

  public RolloutPlan {
    // Not List.copyOf: a null stage must reach PlanValidator, which names it, instead of failing here unnamed.
    stages = stages == null ? null : Collections.unmodifiableList(new ArrayList<>(stages));
  }
}
