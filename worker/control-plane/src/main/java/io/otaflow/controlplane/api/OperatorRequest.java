package io.otaflow.controlplane.api;

import io.otaflow.rollout.AbortCommand;
import io.otaflow.rollout.OperatorCommand;

/**
 * The body of {@code POST /api/rollouts/{id}/pause|resume|approve|abort|rollback}.
 *
 * @param rollback abort only: roll back the robots the rollout updated (the default) or leave them
 */
public record OperatorRequest(String operator, String reason, Boolean rollback) {

  OperatorCommand toCommand() {
    return new OperatorCommand(RequiredFields.require(operator, "operator"), RequiredFields.require(reason, "reason"));
  }

  AbortCommand toAbort() {
    OperatorCommand command = toCommand();
    return new AbortCommand(command.by(), command.reason(), rollback == null || rollback);
  }
}
