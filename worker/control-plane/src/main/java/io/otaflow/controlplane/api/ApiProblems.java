package io.otaflow.controlplane.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.otaflow.controlplane.KillSwitchOnException;
import io.otaflow.controlplane.RollbackRefusedException;
import io.otaflow.controlplane.RolloutEndedException;
import io.otaflow.controlplane.UnknownReleaseException;
import io.otaflow.controlplane.UnknownRolloutException;
import io.otaflow.controlplane.images.ImageRegistryException;
import io.otaflow.registry.RegistryConflictException;
import io.otaflow.registry.UnknownTokenException;
import io.otaflow.domain.InvalidFieldException;
import io.otaflow.wire.JsonFieldErrors;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every failure as an RFC 7807 problem whose status says whose fault it is: 400 bad input (with the {@code field} at
 * fault when there is one), 403 a role too low, 404 an unknown release, rollout, robot or token, 409 a name taken,
 * robots held by a running rollout, a command that does not fit the rollout's state or one the kill switch forbids;
 * 502 a container registry that could not be read.
 * Only the control plane's own failures are 500, and their detail never carries their stack or message.
 */
public final class ApiProblems {

  static final String FIELD = "field";

  private ApiProblems() {
  }

  public static ProblemDetail of(Exception e) {
    if (e instanceof UnknownReleaseException || e instanceof UnknownRolloutException
        || e instanceof UnknownTokenException) {
      return problem(HttpStatus.NOT_FOUND, e.getMessage());
    }
    if (e instanceof RegistryConflictException || e instanceof RolloutEndedException
        || e instanceof KillSwitchOnException || e instanceof RollbackRefusedException) {
      return problem(HttpStatus.CONFLICT, e.getMessage());
    }
    if (e instanceof ImageRegistryException registry) {
      return registry.unknownImage() ? withField(problem(HttpStatus.BAD_REQUEST, e.getMessage()), "image")
          : problem(HttpStatus.BAD_GATEWAY, e.getMessage());
    }
    if (e instanceof AccessDeniedException) {
      return problem(HttpStatus.FORBIDDEN, e.getMessage());
    }
    if (e instanceof InvalidFieldException invalid) {
      return withField(problem(HttpStatus.BAD_REQUEST, invalid.getMessage()), invalid.field());
    }
    if (e instanceof IllegalArgumentException) {
      return problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    if (e instanceof WorkflowUpdateException update && update.getCause() instanceof ApplicationFailure refusal) {
      // The rollout workflow's update validators: a command that does not fit its state (IllegalStateException, 409)
      // or lacks an author (IllegalArgumentException, 400); their message is the answer. Anything else is a defect.
      if (IllegalArgumentException.class.getName().equals(refusal.getType())) {
        return problem(HttpStatus.BAD_REQUEST, refusal.getOriginalMessage());
      }
      if (IllegalStateException.class.getName().equals(refusal.getType())) {
        return problem(HttpStatus.CONFLICT, refusal.getOriginalMessage());
      }
    }
    if (e instanceof MethodArgumentTypeMismatchException mismatch) {
      String type = mismatch.getRequiredType() == null ? "value" : mismatch.getRequiredType().getSimpleName();
      return withField(problem(HttpStatus.BAD_REQUEST, mismatch.getName() + ": '" + mismatch.getValue()
          + "' is not " + (type.equals("Instant") ? "an instant like 2026-12-01T09:00:00Z" : "a " + type)),
          mismatch.getName());
    }
    if (e instanceof HttpMessageNotReadableException unreadable) {
      return unreadable(unreadable);
    }
    if (e instanceof ErrorResponse response) {
      // Spring MVC's own refusals (unknown path, wrong method or content type) keep their status.
      HttpStatusCode status = response.getStatusCode();
      String detail = response.getBody().getDetail();
      return problem(status, detail != null ? detail : e.getMessage());
    }
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal error (" + e.getClass().getSimpleName()
        + "); the control plane's log has the details");
  }

  private static ProblemDetail unreadable(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return problem(HttpStatus.BAD_REQUEST, "request body is missing: send a JSON object");
    }
    if (cause instanceof JsonParseException parse) {
      return problem(HttpStatus.BAD_REQUEST, "request body is not valid JSON: " + parse.getOriginalMessage());
    }
    if (cause instanceof JsonMappingException mapping) {
      return withField(problem(HttpStatus.BAD_REQUEST, JsonFieldErrors.describe(mapping)),
          JsonFieldErrors.path(mapping));
    }
    return problem(HttpStatus.BAD_REQUEST, "request body is not readable: " + cause.getMessage());
  }

  private static ProblemDetail problem(HttpStatusCode status, String detail) {
    return ProblemDetail.forStatusAndDetail(status, detail);
  }

  private static ProblemDetail withField(ProblemDetail problem, String field) {
    if (!field.isEmpty()) {
      problem.setProperty(FIELD, field);
    }
    return problem;
  }
}
