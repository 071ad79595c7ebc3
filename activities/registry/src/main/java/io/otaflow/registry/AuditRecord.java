package io.otaflow.registry;

import java.time.Instant;

/**
 * One row of the audit trail: who (as which role) asked for what on which target, why, and what became of it.
 *
 * @param role       null when the user holds no otaflow role
 * @param targetKind release, rollout, robot, token or fleet; null with {@code targetId} when the command has none
 * @param result     {@code accepted}, or the refusal's reason
 */
public record AuditRecord(long id, String user, UserRole role, String action, String targetKind, String targetId,
                          String reason, String result, boolean accepted, Instant recordedAt) {
}
