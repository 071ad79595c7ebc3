package io.otaflow.controlplane;

/** A command or query named a rollout that was never started. */
public class UnknownRolloutException extends IllegalArgumentException {

  public UnknownRolloutException(String rolloutId) {
    super("rollout " + rolloutId + " does not exist");
  }
}
