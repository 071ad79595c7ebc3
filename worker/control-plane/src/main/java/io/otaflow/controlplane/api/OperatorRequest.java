package io.otaflow.controlplane.api;

import io.otaflow.rollout.AbortCommand;
import io.otaflow.rollout.OperatorCommand;

/**
 * The body of {@code POST /api/v1/rollouts/{id}/pause|resume|approve|abort|rollback}. Who gives the command is the
 * authenticated user, never a name in the body.
 *
 * @param rollback abort only: roll back the robots the rollout updated (the default) or leave them
 */
public record OperatorRequest(String reason, Boolean rollback) {

  public OperatorCommand toCommand(String user) {
    return new OperatorCommand(user, RequiredFields.require(reason, "reason"));
  }

  public AbortCommand toAbort(String user) {
    return new AbortCommand(user, RequiredFields.require(reason, "reason"), rollback == null || rollback);
  }
}
