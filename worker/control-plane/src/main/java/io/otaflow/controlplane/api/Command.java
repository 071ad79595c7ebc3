package io.otaflow.controlplane.api;

import io.otaflow.registry.UserRole;

/**
 * Every state-changing command of the REST API: its name in the audit trail, the role it needs and the kind of target
 * it acts on. The one table of who may do what.
 */
public enum Command {
  RELEASE_PUBLISH("release.publish", UserRole.RELEASE_MANAGER, "release"),
  ROLLOUT_START("rollout.start", UserRole.RELEASE_MANAGER, "rollout"),
  ROLLOUT_PAUSE("rollout.pause", UserRole.RELEASE_MANAGER, "rollout"),
  ROLLOUT_RESUME("rollout.resume", UserRole.RELEASE_MANAGER, "rollout"),
  ROLLOUT_APPROVE("rollout.approve", UserRole.RELEASE_MANAGER, "rollout"),
  ROLLOUT_ABORT("rollout.abort", UserRole.RELEASE_MANAGER, "rollout"),
  ROLLOUT_ROLLBACK("rollout.rollback", UserRole.RELEASE_MANAGER, "rollout"),
  KILL_SWITCH_ON("killswitch.on", UserRole.ADMIN, "fleet"),
  KILL_SWITCH_OFF("killswitch.off", UserRole.ADMIN, "fleet"),
  TOKEN_CREATE("token.create", UserRole.ADMIN, "user"),
  TOKEN_REVOKE("token.revoke", UserRole.ADMIN, "token");

  private final String action;
  private final UserRole role;
  private final String targetKind;

  Command(String action, UserRole role, String targetKind) {
    this.action = action;
    this.role = role;
    this.targetKind = targetKind;
  }

  String action() {
    return action;
  }

  UserRole role() {
    return role;
  }

  String targetKind() {
    return targetKind;
  }
}
