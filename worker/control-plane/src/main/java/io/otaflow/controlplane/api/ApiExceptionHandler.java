package io.otaflow.controlplane.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers every failure as the problem {@link ApiProblems} makes of it. A refusal (4xx) is logged as the one line the
 * client gets; the control plane's own failures (5xx) are logged with their stack trace, never sent to the client.
 */
@ConditionalOnWebApplication
@RestControllerAdvice
class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> problem(Exception e, HttpServletRequest request) {
    ProblemDetail problem = ApiProblems.of(e);
    problem.setInstance(URI.create(request.getRequestURI()));
    if (problem.getStatus() >= 500) {
      log.error("REST request {} {} failed", request.getMethod(), request.getRequestURI(), e);
    } else {
      log.info("refused {} {} {}: {}", problem.getStatus(), request.getMethod(), request.getRequestURI(),
          problem.getDetail());
    }
    return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
  }
}
