package io.otaflow.plan;

/** What a rollout does when a stage cannot pass. Stored as its name, never its ordinal. */
public enum FailureAction {
  /** Roll back every robot the rollout updated, in every stage (the default). */
  ROLLBACK_ALL,
  /** Stop and wait for a person: resume accepts the failed stage and goes on, abort rolls back. */
  PAUSE
}
