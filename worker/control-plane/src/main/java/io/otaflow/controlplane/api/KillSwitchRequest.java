package io.otaflow.controlplane.api;

import io.otaflow.rollout.OperatorCommand;

/** The body of {@code POST /api/v1/killswitch/on|off}: why; turning it off may go without a reason. */
public record KillSwitchRequest(String reason) {

  public OperatorCommand toOn(String user) {
    return new OperatorCommand(user, RequiredFields.require(reason, "reason"));
  }

  public OperatorCommand toOff(String user) {
    return new OperatorCommand(user, reason);
  }
}
