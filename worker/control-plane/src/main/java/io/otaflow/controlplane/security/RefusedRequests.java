package io.otaflow.controlplane.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.registry.AuditLog;
import io.otaflow.registry.UserRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The answers of the security filter chain, as problem details like every other refusal of the API: 401 for a missing
 * or bad token (logged as one line and counted in {@code otaflow.api.authentication.refused}, tagged missing or
 * invalid), 403 for a user with no otaflow role, a robot token outside telemetry or a person's token posting
 * telemetry (audited when the request would change something). A user whose role
 * is too low for a command is refused by {@code AuditedCommands}, which also audits it.
 */
final class RefusedRequests implements AuthenticationEntryPoint, AccessDeniedHandler {

  private static final Logger log = LoggerFactory.getLogger(RefusedRequests.class);
  static final String METRIC = "otaflow.api.authentication.refused";

  /** Reads change nothing, so their refusals are not audited. */
  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  private final ObjectMapper json;
  private final AuditLog audit;
  private final Counter missing;
  private final Counter invalid;

  RefusedRequests(ObjectMapper json, MeterRegistry meters, AuditLog audit) {
    this.json = json;
    this.audit = audit;
    this.missing = refusals(meters, "missing");
    this.invalid = refusals(meters, "invalid");
  }

  private static Counter refusals(MeterRegistry meters, String reason) {
    return Counter.builder(METRIC).tag("reason", reason)
        .description("REST API requests refused 401: no bearer token, or one that is unknown, expired or revoked")
        .register(meters);
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String detail;
    String challenge;
    if (e instanceof OAuth2AuthenticationException bad) {
      invalid.increment();
      String why = bad.getError().getDescription() != null ? bad.getError().getDescription() : bad.getMessage();
      detail = "invalid bearer token: " + why;
      challenge = "Bearer error=\"invalid_token\"";
    } else {
      missing.increment();
      detail = "authentication required: send Authorization: Bearer <token>, an API token (otaflow tokens create)"
          + " or a JWT from the identity provider";
      challenge = "Bearer";
    }
    response.setHeader("WWW-Authenticate", challenge);
    refuse(request, response, HttpStatus.UNAUTHORIZED, detail);
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    CurrentUser user = CurrentUser.get();
    String refusal;
    if (user.role() == UserRole.ROBOT) {
      refusal = "user " + user.name() + " holds a robot token, which may only POST " + SecurityConfig.TELEMETRY;
    } else if (SecurityConfig.TELEMETRY.equals(request.getRequestURI())) {
      refusal = "user " + user.name() + " is not a robot: only a robot's own token (otaflow tokens create --robot ID)"
          + " may POST " + SecurityConfig.TELEMETRY;
    } else {
      refusal = "user " + user.name() + " holds no otaflow role (" + UserRole.names() + ")";
    }
    if (!READS.contains(request.getMethod())) {
      // No command was reached, so the request itself is what the audit trail records.
      audit.append(user.name(), null, request.getMethod() + " " + request.getRequestURI(), null, null, null, refusal);
    }
    refuse(request, response, HttpStatus.FORBIDDEN, refusal);
  }

  private void refuse(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    log.info("refused {} {} {} from {}: {}", status.value(), request.getMethod(), request.getRequestURI(),
        request.getRemoteAddr(), detail);
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setInstance(URI.create(request.getRequestURI()));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    json.writeValue(response.getOutputStream(), problem);
  }
}
