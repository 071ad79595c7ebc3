package io.otaflow.controlplane.security;

import io.otaflow.registry.UserRole;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

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

  /** Everything the dashboard serves lives under it. */
  public static final String UI = "/ui";
  public static final String SIGN_IN = UI + "/signin";

  @Bean
  @Order(1)
  SecurityFilterChain dashboard(HttpSecurity http, TokenAuthentication tokens) throws Exception {
    SessionTokens sessionTokens = new SessionTokens();
    SignInRedirect signIn = new SignInRedirect(sessionTokens);
    http.securityMatcher(UI, UI + "/**")
        .authorizeHttpRequests(requests -> requests
            // An event stream's end is dispatched again (ASYNC), after its request was authorized.
            .dispatcherTypeMatchers(DispatcherType.ASYNC).permitAll()
            .requestMatchers(SIGN_IN, UI + "/static/**").permitAll()
            .anyRequest().hasRole(UserRole.VIEWER.name()))
        .oauth2ResourceServer(resourceServer -> resourceServer
            .bearerTokenResolver(sessionTokens)
            .authenticationManagerResolver(request -> tokens.managerFor(sessionTokens.resolve(request)))
            .authenticationEntryPoint(signIn))
        .exceptionHandling(exceptions -> exceptions
            .authenticationEntryPoint(signIn)
            .accessDeniedHandler((request, response, denied) -> response.sendError(HttpStatus.FORBIDDEN.value(),
                denied.getMessage())))
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
}
