package io.otaflow.controlplane;

import io.otaflow.domain.RolloutStatus;

/** A command reached a rollout whose workflow has already closed, so no update validator could answer it. */
public class RolloutEndedException extends IllegalStateException {

  public RolloutEndedException(String command, RolloutStatus status) {
    super("cannot " + command + ": rollout already ended " + status);
  }
}
