package io.otaflow.controlplane.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.registry.UserRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's sign-in with an API token (the same one the CLI uses) or, when configured, through the identity
 * provider ({@link DashboardOidc}): the token is checked as the API checks it, then kept in the person's session
 * ({@link SessionTokens}). A token without the viewer role (a robot's, or a person's with no otaflow role) is refused.
 * Sign-ins are counted in {@code otaflow.dashboard.signins} (accepted or refused).
 */
@ConditionalOnWebApplication
@Controller
class DashboardSignIn {

  private static final Logger log = LoggerFactory.getLogger(DashboardSignIn.class);
  private static final String PAGE = "ui/signin";

  private final TokenAuthentication tokens;
  private final AuthorityAuthorizationManager<Object> viewer;
  private final Counter accepted;
  private final Counter refused;
  private final DashboardOidc oidc;

  DashboardSignIn(TokenAuthentication tokens, RoleHierarchy roles, MeterRegistry meters, DashboardOidc oidc) {
    this.tokens = tokens;
    this.oidc = oidc;
    this.viewer = AuthorityAuthorizationManager.hasRole(UserRole.VIEWER.name());
    this.viewer.setRoleHierarchy(roles);
    this.accepted = signIns(meters, "accepted");
    this.refused = signIns(meters, "refused");
  }

  private static Counter signIns(MeterRegistry meters, String result) {
    return Counter.builder("otaflow.dashboard.signins").tag("result", result)
        .description("Sign-ins to the dashboard with a token").register(meters);
  }

  @GetMapping(DashboardSecurityConfig.SIGN_IN)
  String page(@RequestParam(required = false) String ended, Model model) {
    model.addAttribute("ended", ended != null);
    model.addAttribute("oidcSignIn", oidc.enabled() ? DashboardOidc.signInPath() : null);
    return PAGE;
  }

  @PostMapping(DashboardSecurityConfig.SIGN_IN)
  String signIn(@RequestParam(defaultValue = "") String token, HttpServletRequest request,
                HttpServletResponse response, Model model) {
    String refusal = signIn(request, token.strip());
    if (refusal != null) {
      response.setStatus(HttpStatus.UNAUTHORIZED.value());
      model.addAttribute("refusal", refusal);
      page(null, model);
      return PAGE;
    }
    return "redirect:" + DashboardSecurityConfig.UI;
  }

  @PostMapping(DashboardSecurityConfig.UI + "/signout")
  String signOut(HttpServletRequest request) {
    SessionTokens.signOut(request);
    return "redirect:" + DashboardSecurityConfig.SIGN_IN;
  }

  /**
   * Signs the person in with the token (an API token from the form, or the ID token the identity provider issued),
   * checked as the API checks it; counted and logged.
   *
   * @return why it may not sign in, or null when it did
   */
  String signIn(HttpServletRequest request, String token) {
    String refusal = refusal(token);
    if (refusal != null) {
      refused.increment();
      log.info("dashboard sign-in refused: {}", refusal);
      return refusal;
    }
    accepted.increment();
    SessionTokens.signIn(request, token);
    return null;
  }

  /** Why the token may not sign in, or null when it may. */
  private String refusal(String token) {
    if (token.isEmpty()) {
      return "a token is required: an otaflow API token (otaflow tokens create)";
    }
    Authentication user;
    try {
      user = tokens.managerFor(token).authenticate(new BearerTokenAuthenticationToken(token));
    } catch (AuthenticationException e) {
      return "invalid token: " + e.getMessage();
    }
    if (!viewer.check(() -> user, null).isGranted()) {
      return "user " + user.getName() + " has no otaflow role that may view the dashboard (viewer and up)";
    }
    log.info("dashboard sign-in: {}", user.getName());
    return null;
  }
}
