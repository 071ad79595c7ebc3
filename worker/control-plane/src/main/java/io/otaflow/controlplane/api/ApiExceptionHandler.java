package io.otaflow.controlplane.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.otaflow.controlplane.KillSwitchOnException;
import io.otaflow.controlplane.RollbackRefusedException;
import io.otaflow.controlplane.RolloutEndedException;
import io.otaflow.controlplane.UnknownReleaseException;
import io.otaflow.controlplane.UnknownRolloutException;
import io.otaflow.registry.RegistryConflictException;
import io.otaflow.wire.JsonFieldErrors;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns every failure into {@code {"error": "..."}} with a status that says whose fault it is: 400 bad input, 404
 * unknown release or rollout, 409 a name taken, robots held by a running rollout, a command that does not fit the
 * rollout's state or one the kill switch forbids. Only the control plane's own failures are 500, logged with their
 * stack trace here and never sent to the client.
 */
@RestControllerAdvice
class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler({UnknownReleaseException.class, UnknownRolloutException.class})
  ResponseEntity<ApiError> notFound(IllegalArgumentException e) {
    return error(HttpStatus.NOT_FOUND, e.getMessage());
  }

  @ExceptionHandler({RegistryConflictException.class, RolloutEndedException.class, KillSwitchOnException.class,
      RollbackRefusedException.class})
  ResponseEntity<ApiError> conflict(RuntimeException e) {
    return error(HttpStatus.CONFLICT, e.getMessage());
  }

  /** Plans, releases, targets, manifests and missing fields: the message names the field. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ApiError> badInput(IllegalArgumentException e) {
    return error(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  /**
   * The rollout workflow's update validators refuse a command that does not fit its state (IllegalStateException:
   * 409) or lacks an author (IllegalArgumentException: 400); their message is the answer.
   */
  @ExceptionHandler(WorkflowUpdateException.class)
  ResponseEntity<ApiError> commandRefused(WorkflowUpdateException e) {
    if (e.getCause() instanceof ApplicationFailure refusal) {
      boolean badInput = IllegalArgumentException.class.getName().equals(refusal.getType());
      return error(badInput ? HttpStatus.BAD_REQUEST : HttpStatus.CONFLICT, refusal.getOriginalMessage());
    }
    return internal(e);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
    return error(HttpStatus.BAD_REQUEST, unreadableMessage(e));
  }

  /** Spring MVC's own refusals (unknown path, wrong method or content type) keep their status. */
  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> other(Exception e) {
    if (e instanceof ErrorResponse response) {
      HttpStatusCode status = response.getStatusCode();
      String detail = response.getBody().getDetail();
      return error(status, detail != null ? detail : e.getMessage());
    }
    return internal(e);
  }

  private static ResponseEntity<ApiError> internal(Exception e) {
    log.error("REST request failed", e);
    return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error (" + e.getClass().getSimpleName()
        + "); the control plane's log has the details");
  }

  private static String unreadableMessage(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return "request body is missing: send a JSON object";
    }
    if (cause instanceof JsonParseException parse) {
      return "request body is not valid JSON: " + parse.getOriginalMessage();
    }
    if (cause instanceof JsonMappingException mapping) {
      return JsonFieldErrors.describe(mapping);
    }
    return "request body is not readable: " + cause.getMessage();
  }

  /** A refusal (4xx) is logged as the one line the client gets; the control plane's own failures are logged above. */
  private static ResponseEntity<ApiError> error(HttpStatusCode status, String message) {
    if (status.is4xxClientError()) {
      log.info("refused with {}: {}", status.value(), message);
    }
    return ResponseEntity.status(status).body(new ApiError(message));
  }
}
