package io.otaflow.controlplane.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * A dashboard request from someone not signed in goes to the sign-in page; one whose session token no longer passes
 * (revoked, expired) ends that session first, logged as one line, and the page says why.
 */
final class SignInRedirect implements AuthenticationEntryPoint {

  private static final Logger log = LoggerFactory.getLogger(SignInRedirect.class);

  private final SessionTokens sessionTokens;

  SignInRedirect(SessionTokens sessionTokens) {
    this.sessionTokens = sessionTokens;
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String target = DashboardSecurityConfig.SIGN_IN;
    if (sessionTokens.resolve(request) != null) {
      log.info("dashboard sign-in ended: {}", e.getMessage());
      SessionTokens.signOut(request);
      target += "?ended";
    }
    response.sendRedirect(request.getContextPath() + target);
  }
}
