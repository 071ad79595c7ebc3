package io.otaflow.controlplane;

import io.otaflow.registry.KillSwitchRecord;

/** A command the kill switch forbids while it is on. */
public class KillSwitchOnException extends IllegalStateException {

  /** @param refused what is forbidden, like {@code no rollout may start} */
  public KillSwitchOnException(KillSwitchRecord state, String refused) {
    super("kill switch is " + state.describe() + ": " + refused + "; turn it off first");
  }
}
