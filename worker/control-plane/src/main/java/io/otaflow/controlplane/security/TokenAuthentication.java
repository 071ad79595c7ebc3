package io.otaflow.controlplane.security;

import org.springframework.security.authentication.AuthenticationManager;

/**
 * Who checks a token, whether it came in the API's Authorization header or from the dashboard's session: the registry
 * for an otaflow API token, the identity provider's keys for anything else (the registry too when no provider is
 * configured, so that the refusal names an API token).
 */
public final class TokenAuthentication {

  private final AuthenticationManager apiTokens;
  private final AuthenticationManager jwts;

  TokenAuthentication(AuthenticationManager apiTokens, AuthenticationManager jwts) {
    this.apiTokens = apiTokens;
    this.jwts = jwts;
  }

  /** @param token null when the request carries none: its refusal is then the API token manager's */
  AuthenticationManager managerFor(String token) {
    return token == null || ApiTokens.looksLikeApiToken(token) ? apiTokens : jwts;
  }
}
