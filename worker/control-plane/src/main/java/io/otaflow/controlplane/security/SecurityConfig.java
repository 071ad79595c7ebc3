package io.otaflow.controlplane.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.registry.ApiTokenRepository;
import io.otaflow.registry.AuditLog;
import io.otaflow.registry.UserRole;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call the REST API. Every request but the health probes and metrics carries a bearer token: an otaflow API token
 * (checked against the registry's hashes) or, with {@code otaflow.oidc.issuer} set, a JWT from the company's identity
 * provider (OAuth2 resource server; signature, expiry, issuer and audience checked with its published keys). Every
 * request needs at least the viewer role (a user with no otaflow role is refused here, and audited when the request
 * would change something); each command checks its own role in {@code AuditedCommands}, which also audits it. The
 * one exception: {@value #TELEMETRY} takes robot tokens alone, and a robot token nothing else. No
 * sessions and no cookies, hence no CSRF protection needed. Only in a web application (test control planes without
 * an API leave it out).
 */
@ConditionalOnWebApplication
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

  private static final int BCRYPT_MIN_COST = 4;
  /** Where robots post their telemetry, with their own robot token. */
  public static final String TELEMETRY = "/api/v1/telemetry";

  @Bean
  SecurityFilterChain api(HttpSecurity http, AuthenticationManagerResolver<HttpServletRequest> bearerTokens,
                          ObjectMapper json, MeterRegistry meters, AuditLog audit) throws Exception {
    RefusedRequests refused = new RefusedRequests(json, meters, audit);
    http.authorizeHttpRequests(requests -> requests
            // The probes on the API's port; health and metrics on the management port, on loopback unless
            // deliberately exposed (application.yml).
            .requestMatchers("/livez", "/readyz", "/actuator/health", "/actuator/health/**", "/actuator/prometheus")
            .permitAll()
            .requestMatchers(HttpMethod.POST, TELEMETRY).hasRole(UserRole.ROBOT.name())
            .anyRequest().hasRole(UserRole.VIEWER.name()))
        .oauth2ResourceServer(resourceServer -> resourceServer
            .authenticationManagerResolver(bearerTokens)
            .authenticationEntryPoint(refused)
            .accessDeniedHandler(refused))
        .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(refused).accessDeniedHandler(refused))
        .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable);
    return http.build();
  }

  /** admin includes release-manager, which includes viewer. */
  @Bean
  static RoleHierarchy roleHierarchy() {
    return RoleHierarchyImpl.withDefaultRolePrefix()
        .role(UserRole.ADMIN.name()).implies(UserRole.RELEASE_MANAGER.name())
        .role(UserRole.RELEASE_MANAGER.name()).implies(UserRole.VIEWER.name())
        .build();
  }

  /**
   * bcrypt, in a form that names its algorithm so that stored hashes can move to another one later. At its lowest cost:
   * every request checks its token, and a 256-bit random secret needs no key stretching (it is not a password a person
   * chose), so a fast check costs an attacker nothing while a slow one would cost every API call tens of milliseconds.
   */
  @Bean
  PasswordEncoder tokenHashes() {
    String bcrypt = "bcrypt";
    return new DelegatingPasswordEncoder(bcrypt, Map.of(bcrypt, new BCryptPasswordEncoder(BCRYPT_MIN_COST)));
  }

  /** With the first admin token in place (see {@link AdminTokenFile}) before the API answers anyone. */
  @Bean
  ApiTokens apiTokens(ApiTokenRepository tokens, PasswordEncoder tokenHashes,
                      @Value("${otaflow.security.admin-token-file:}") String adminTokenFile,
                      @Value("${otaflow.data-dir:./.otaflow/data}") Path dataDir) {
    ApiTokens apiTokens = new ApiTokens(tokens, tokenHashes, Clock.systemUTC());
    new AdminTokenFile(apiTokens)
        .ensure(adminTokenFile.isBlank() ? null : Path.of(adminTokenFile), dataDir);
    return apiTokens;
  }

  /** The API's bearer tokens, from the Authorization header. */
  @Bean
  AuthenticationManagerResolver<HttpServletRequest> bearerTokens(TokenAuthentication tokens) {
    DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();
    return request -> tokens.managerFor(resolver.resolve(request));
  }

  /**
   * otaflow API tokens go to the registry; anything else is a JWT for the identity provider when one is configured
   * (told apart by the token's prefix, so a bad API token gets an API token's refusal, not a JWT parser's).
   */
  @Bean
  TokenAuthentication tokenAuthentication(
      ApiTokens apiTokens,
      @Value("${otaflow.oidc.issuer:}") String oidcIssuer,
      @Value("${otaflow.oidc.audience:}") String oidcAudience,
      @Value("${otaflow.oidc.user-claim:preferred_username}") String userClaim,
      @Value("${otaflow.oidc.roles-claim:roles}") String rolesClaim) {
    AuthenticationManager apiTokenManager = new ProviderManager(new OpaqueTokenAuthenticationProvider(apiTokens));
    AuthenticationManager jwtManager = oidcIssuer.isBlank() ? apiTokenManager : jwtManager(oidcIssuer, oidcAudience,
        userClaim, rolesClaim);
    return new TokenAuthentication(apiTokenManager, jwtManager);
  }

  /**
   * The issuer's keys are found through its discovery document on first use, so a start never waits for it. Only
   * tokens issued for otaflow ({@code aud}) are accepted: the same identity provider issues tokens for the company's
   * other applications, whose roles claim may hold an {@code admin} of its own.
   */
  private static AuthenticationManager jwtManager(String issuer, String audience, String userClaim,
                                                  String rolesClaim) {
    if (audience.isBlank()) {
      throw new IllegalStateException("otaflow.oidc.audience (--oidc-audience) is required with an OIDC issuer: the"
          + " client ID otaflow's tokens are issued for, so that tokens for other applications are refused");
    }
    NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).build();
    decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer),
        new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience))));
    JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
    provider.setJwtAuthenticationConverter(new OidcRoles(userClaim, rolesClaim));
    return new ProviderManager(provider);
  }
}
