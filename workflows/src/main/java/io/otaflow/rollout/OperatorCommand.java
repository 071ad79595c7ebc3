package io.otaflow.rollout;

/**
 * A person's command to a running rollout (pause, resume, approve).
 *
 * @param by     who gave it, for the audit trail
 * @param reason why, shown in progress and recorded
 */
public record OperatorCommand(String by, String reason) {
}
