package io.otaflow.rollout;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.PlanValidator;
import io.otaflow.plan.StagePlan;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** What a person's command needs to be accepted, and how failures read; the same for every version of the rollout. */
final class RolloutRules {

  private RolloutRules() {
  }

  /** A command needs an author and the one status it applies in, and none applies while rolling back. */
  static void requireCommand(String command, OperatorCommand given, boolean rollingBack, RolloutStatus status,
                             RolloutStatus required) {
    requireAuthor(given == null ? null : given.by());
    if (rollingBack) {
      throw new IllegalStateException("cannot " + command + ": rollout is rolling back");
    }
    if (status != required) {
      throw new IllegalStateException("cannot " + command + ": rollout is " + status + ", not " + required);
    }
  }

  /**
   * With four-eyes approval, the person who started the rollout may not approve its stages. Rollouts started before
   * their starter was recorded cannot be checked, and are not held up.
   */
  static void requireSecondPerson(RolloutRequest request, OperatorCommand approval) {
    if (request.plan().fourEyesApproval() && approval.by().equals(request.startedBy())) {
      throw new IllegalStateException("cannot approve: four-eyes approval: " + approval.by() + " started rollout "
          + request.rolloutId() + ", so someone else must approve its stages");
    }
  }

  static void requireAbortable(AbortCommand command, RolloutStatus status, boolean abortingOrRollingBack) {
    requireAuthor(command == null ? null : command.by());
    if (status.isFinal()) {
      throw new IllegalStateException("cannot abort: rollout already ended " + status);
    }
    if (abortingOrRollingBack) {
      throw new IllegalStateException("cannot abort: rollout is already rolling back or aborting");
    }
  }

  private static void requireAuthor(String by) {
    if (by == null || by.isBlank()) {
      throw new IllegalArgumentException("command.by: say who gives the command");
    }
  }

  /** Why a stage failed (stopped early, or missed its threshold once all its robots ran), or null when it passed. */
  /** Why the request cannot be rolled out (its release or plan is invalid), or null when it can. */
  static String invalidRequest(RolloutRequest request) {
    try {
      request.release().validate();
      PlanValidator.validate(request.plan());
      return null;
    } catch (IllegalArgumentException invalid) {
      return "invalid rollout: " + invalid.getMessage();
    }
  }

  static String stageFailure(StagePlan stage, StageProgress tally, String stoppedEarly) {
    if (stoppedEarly != null || tally.healthyFraction() >= stage.minHealthy()) {
      return stoppedEarly;
    }
    return String.format("stage '%s' missed its threshold: %d/%d robots healthy (%.0f%%) < %.0f%%", stage.name(),
        tally.committed(), tally.size(), tally.healthyFraction() * 100, stage.minHealthy() * 100);
  }

  /** The message a person should read: an application failure's own, without Temporal's wrapping. */
  static String message(TemporalFailure failure) {
    Throwable cause = failure.getCause() instanceof ApplicationFailure ? failure.getCause() : failure;
    return cause instanceof ApplicationFailure application ? application.getOriginalMessage() : cause.getMessage();
  }
}
