package io.otaflow.controlplane.api;

import io.otaflow.rollout.OperatorCommand;

/** The body of {@code POST /api/killswitch/on|off}: who and why; turning it off may go without a reason. */
public record KillSwitchRequest(String operator, String reason) {

  OperatorCommand toOn() {
    return new OperatorCommand(RequiredFields.require(operator, "operator"), RequiredFields.require(reason, "reason"));
  }

  OperatorCommand toOff() {
    return new OperatorCommand(RequiredFields.require(operator, "operator"), reason);
  }
}
