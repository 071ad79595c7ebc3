package io.otaflow.controlplane.api;

import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.registry.UserRole;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** API tokens, for admins: issue one for a person or a robot (shown once), list them, revoke one. */
@ConditionalOnWebApplication
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

  private final ApiTokens tokens;
  private final AuditedCommands commands;

  TokenController(ApiTokens tokens, AuditedCommands commands) {
    this.tokens = tokens;
    this.commands = commands;
  }

  /** 201 with the token itself: the only answer that ever carries it. */
  @PostMapping
  ResponseEntity<TokenView> create(@RequestBody TokenRequest request) {
    Duration expiresIn = request.expiresIn() == null ? ApiTokens.DEFAULT_EXPIRY : request.expiresIn();
    ApiTokens.IssuedToken issued = request.robot() != null
        ? commands.run(Command.TOKEN_CREATE, ApiTokens.ROBOT_USER_PREFIX + request.robot(), null,
            admin -> tokens.issueForRobot(request.robotAlone(), expiresIn, admin))
        : commands.run(Command.TOKEN_CREATE, request.user(), null,
            admin -> tokens.issue(RequiredFields.require(request.user(), "user"), request.userRole(), expiresIn,
                admin));
    return ResponseEntity.created(URI.create("/api/v1/tokens/" + issued.record().tokenId()))
        .body(TokenView.of(issued.record(), issued.token()));
  }

  /** Every token, newest first, revoked and expired ones included. */
  @GetMapping
  List<TokenView> list() {
    commands.requireRole(UserRole.ADMIN, "listing API tokens");
    return tokens.list().stream().map(token -> TokenView.of(token, null)).toList();
  }

  /** Revoked from now on; revoking a revoked token again changes nothing. */
  @PostMapping("/{tokenId}/revoke")
  TokenView revoke(@PathVariable String tokenId) {
    return TokenView.of(commands.run(Command.TOKEN_REVOKE, tokenId, null, admin -> tokens.revoke(tokenId)), null);
  }
}
