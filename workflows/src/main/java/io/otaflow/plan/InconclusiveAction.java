package io.otaflow.plan;

/**
 * What an analysis measurement that yields no single number does (empty or several series, NaN, Prometheus
 * unreachable): never a pass. Stored as its name, never its ordinal.
 */
public enum InconclusiveAction {
  /** The rollout pauses with the reason: resume accepts the measurement and the analysis goes on, abort rolls back. */
  PAUSE,
  /** The stage fails, and the plan's onFailure follows. */
  FAIL
}
