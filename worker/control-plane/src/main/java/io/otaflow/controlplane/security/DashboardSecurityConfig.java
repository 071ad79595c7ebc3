package io.otaflow.controlplane.security;

import io.otaflow.registry.UserRole;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.web.OAuth2LoginAuthenticationFilter;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * Who may use the dashboard ({@code /ui}): people signed in with an API token or through the identity provider
 * ({@link DashboardSignIn}), into a session whose cookie is HttpOnly, SameSite=Strict and Secure over TLS
 * (application.yml; Tomcat marks it Secure on a TLS request). Every request is authenticated again with the token the
 * session holds ({@link SessionTokens}), by the same managers as the API's bearer tokens, and needs the viewer role;
 * each command checks its own role and is audited as through the API. Forms and the page's requests carry Spring
 * Security's CSRF token. Ordered before the API's chain, which keeps everything else.
 */
@ConditionalOnWebApplication
@Configuration(proxyBeanMethods = false)
public class DashboardSecurityConfig {

  private static final Logger log = LoggerFactory.getLogger(DashboardSecurityConfig.class);

  /** Everything the dashboard serves lives under it. */
  public static final String UI = "/ui";
  public static final String SIGN_IN = UI + "/signin";

  @Bean
  @Order(1)
  SecurityFilterChain dashboard(HttpSecurity http, TokenAuthentication tokens, DashboardOidc oidc,
                               DashboardSignIn signIns) throws Exception {
    SessionTokens sessionTokens = new SessionTokens();
    SignInRedirect signIn = new SignInRedirect(sessionTokens);
    // The bearer-token filter alone, not oauth2ResourceServer(), which exempts every request carrying a token from
    // CSRF protection: right for an Authorization header, wrong for a token that a session cookie stands for.
    AuthenticationManagerResolver<HttpServletRequest> managers = request -> tokens.managerFor(
        sessionTokens.resolve(request));
    BearerTokenAuthenticationFilter sessionToken = new BearerTokenAuthenticationFilter(managers);
    sessionToken.setBearerTokenResolver(sessionTokens);
    sessionToken.setAuthenticationFailureHandler(new AuthenticationEntryPointFailureHandler(signIn));
    sessionToken.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
    if (oidc.enabled()) {
      http.addFilterBefore(new SameSiteRelay(), OAuth2LoginAuthenticationFilter.class)
          .oauth2Login(login -> login
              .clientRegistrationRepository(oidc)
              .loginPage(SIGN_IN)
              .authorizationEndpoint(authorization -> authorization.baseUri(DashboardOidc.AUTHORIZATION_PATH))
              .redirectionEndpoint(callback -> callback.baseUri(DashboardOidc.CALLBACK_PATH + "*"))
              .successHandler((request, response, authentication) -> {
                String idToken = ((OidcUser) authentication.getPrincipal()).getIdToken().getTokenValue();
                String refusal = signIns.signIn(request, idToken);
                if (refusal == null) {
                  response.sendRedirect(request.getContextPath() + UI);
                } else {
                  backToSignIn(request, response, refusal);
                }
              })
              .failureHandler((request, response, failure) -> {
                log.info("dashboard sign-in through the identity provider failed: {}", failure.getMessage());
                backToSignIn(request, response, "sign-in through the identity provider failed: "
                    + failure.getMessage());
              }));
    }
    http.securityMatcher(UI, UI + "/**")
        .authorizeHttpRequests(requests -> requests
            // An event stream's end is dispatched again (ASYNC), after its request was authorized.
            .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
            .requestMatchers(SIGN_IN, UI + "/static/**").permitAll()
            .anyRequest().hasRole(UserRole.VIEWER.name()))
        .addFilterBefore(sessionToken, AnonymousAuthenticationFilter.class)
        .exceptionHandling(exceptions -> exceptions
            .authenticationEntryPoint(signIn)
            // Answered here, not by sendError: the error page's dispatch would meet the API's chain, and its 401.
            .accessDeniedHandler((request, response, denied) -> {
              log.info("dashboard refused 403 {} {}: {}", request.getMethod(), request.getRequestURI(),
                  denied.getMessage());
              response.setStatus(HttpStatus.FORBIDDEN.value());
              response.setContentType("text/plain;charset=UTF-8");
              response.getWriter().println("refused: " + denied.getMessage());
            }))
        // The session keeps the token, never an authentication: each request checks the token again.
        .securityContext(context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
        .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
        .headers(headers -> headers
            .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; img-src 'self' data:;"
                + " style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"))
            .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable);
    return http.build();
  }

  /** The sign-in page again, saying why (a flash attribute, as a redirect from a controller would carry it). */
  private static void backToSignIn(HttpServletRequest request, HttpServletResponse response, String refusal)
      throws IOException {
    FlashMap flash = new FlashMap();
    flash.put("refusal", refusal);
    new SessionFlashMapManager().saveOutputFlashMap(flash, request, response);
    response.sendRedirect(request.getContextPath() + SIGN_IN);
  }
}
