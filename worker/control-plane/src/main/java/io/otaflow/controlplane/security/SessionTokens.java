package io.otaflow.controlplane.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * The dashboard's sign-in: the token a person signed in with (an API token, or the identity provider's ID token) is
 * kept in their server-side session, and every request is authenticated with it exactly as the API authenticates a
 * bearer token. So a revoked or expired token ends the sign-in at the next click, and the page can do no more than the
 * same token could through the API. The browser holds only the session cookie.
 */
final class SessionTokens implements BearerTokenResolver {

  private static final String ATTRIBUTE = SessionTokens.class.getName();

  @Override
  public String resolve(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    return session == null ? null : (String) session.getAttribute(ATTRIBUTE);
  }

  /** A new session ID for the signed-in person: a session fixed by someone else before sign-in is of no use to them. */
  static void signIn(HttpServletRequest request, String token) {
    if (request.getSession(false) != null) {
      request.changeSessionId();
    }
    request.getSession(true).setAttribute(ATTRIBUTE, token);
  }

  static void signOut(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
  }
}
