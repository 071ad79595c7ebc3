package io.otaflow.rollout;

/**
 * Stop the rollout now.
 *
 * @param rollback true (the default answer) to roll back every robot this rollout updated; false leaves them on the
 *                 new release and ends ABORTED
 */
public record AbortCommand(String by, String reason, boolean rollback) {
}
