package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.api.ApiProblems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;

/**
 * A page that cannot be shown (an unknown robot or rollout, a bad filter) as a page saying why, with the status the
 * API would answer; a refusal is logged as one line, the control plane's own failure with its stack trace.
 */
@ConditionalOnWebApplication
@ControllerAdvice(basePackageClasses = DashboardErrors.class)
// Before the API's advice, which answers everything else (paths nothing serves among them) as problem details.
@Order(Ordered.HIGHEST_PRECEDENCE)
class DashboardErrors {

  private static final Logger log = LoggerFactory.getLogger(DashboardErrors.class);

  /** A page closed while its live updates streamed, or a stream that reached its lifetime: nothing to answer. */
  @ExceptionHandler({AsyncRequestNotUsableException.class, AsyncRequestTimeoutException.class})
  void closed(Exception e) {
    log.debug("dashboard event stream closed by the browser: {}", e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  String error(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
    ProblemDetail problem = ApiProblems.of(e);
    if (problem.getStatus() >= 500) {
      log.error("dashboard page {} failed", request.getRequestURI(), e);
    } else {
      log.info("dashboard refused {} {}: {}", problem.getStatus(), request.getRequestURI(), problem.getDetail());
    }
    response.setStatus(problem.getStatus());
    model.addAttribute("status", problem.getStatus());
    model.addAttribute("refusal", problem.getDetail());
    return "ui/error";
  }
}
