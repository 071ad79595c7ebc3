package io.otaflow.controlplane.api;

import io.otaflow.controlplane.security.CurrentUser;
import io.otaflow.registry.AuditLog;
import io.otaflow.registry.UserRole;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.stereotype.Component;

/**
 * Runs a person's command as the authenticated user, after checking the command's role, and appends it to the audit
 * trail whatever becomes of it: accepted, or refused with the reason the client gets (a role too low, bad input, a
 * state that does not allow it). A command that fails inside the control plane is recorded as such too.
 */
@ConditionalOnWebApplication
@Component
public class AuditedCommands {

  private static final Logger log = LoggerFactory.getLogger(AuditedCommands.class);

  private final AuditLog audit;
  private final RoleHierarchy roles;

  AuditedCommands(AuditLog audit, RoleHierarchy roles) {
    this.audit = audit;
    this.roles = roles;
  }

  /**
   * @param targetId what the command acts on (a release version, rollout ID, user or token ID), null for the fleet
   * @param reason   the reason the person gave, as sent (null when none)
   * @param action   run with the user's name once the role allows it
   */
  public <T> T run(Command command, String targetId, String reason, CommandAction<T> action) {
    CurrentUser user = CurrentUser.get();
    T result;
    try {
      requireRole(user, command.role(), command.action());
      result = action.run(user.name());
    } catch (RuntimeException e) {
      ProblemDetail problem = ApiProblems.of(e);
      String refusal = problem.getStatus() >= 500 ? "failed: " + problem.getDetail() : problem.getDetail();
      record(user, command, targetId, reason, refusal);
      throw e;
    }
    record(user, command, targetId, reason, null);
    return result;
  }

  /** For reads only some roles may make (the token list): refused 403, not audited as no state changes. */
  public void requireRole(UserRole role, String what) {
    requireRole(CurrentUser.get(), role, what);
  }

  /** Whether the authenticated user's role allows the command: the dashboard shows only the buttons it does. */
  public boolean allows(Command command) {
    return allows(CurrentUser.get(), command.role());
  }

  /** What a command does, given the authenticated user's name to record it under. */
  @FunctionalInterface
  public interface CommandAction<T> {
    T run(String user);
  }

  private boolean allows(CurrentUser user, UserRole role) {
    AuthorityAuthorizationManager<Object> needed = AuthorityAuthorizationManager.hasRole(role.name());
    needed.setRoleHierarchy(roles);
    return needed.check(user::authentication, null).isGranted();
  }

  private void requireRole(CurrentUser user, UserRole role, String what) {
    if (!allows(user, role)) {
      throw new AccessDeniedException(what + " needs the role " + role.roleName() + "; user " + user.name() + " has "
          + (user.role() == null ? "no otaflow role" : "the role " + user.role().roleName()));
    }
  }

  /**
   * A row that cannot be written (the database gone) is logged whole, at ERROR, and the answer stays the command's own:
   * a command that took effect must not be reported failed, nor a refusal's reason hidden behind the audit's.
   */
  private void record(CurrentUser user, Command command, String targetId, String reason, String refusal) {
    String role = user.role() == null ? "no role" : user.role().roleName();
    String result = refusal == null ? "accepted" : "refused: " + refusal;
    try {
      audit.append(user.name(), user.role(), command.action(), command.targetKind(), targetId, reason, refusal);
    } catch (RuntimeException notWritten) {
      log.error("audit row NOT written: {} ({}) {} {} {} reason {}: {}", user.name(), role, command.action(),
          command.targetKind(), targetId, reason, result, notWritten);
      return;
    }
    log.info("audit: {} ({}) {} {} {}: {}", user.name(), role, command.action(), command.targetKind(),
        targetId == null ? "" : targetId, result);
  }
}
