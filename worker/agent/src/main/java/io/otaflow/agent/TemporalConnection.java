package io.otaflow.agent;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to Temporal. A robot may boot before the network or the Temporal frontend is up, so the
 * agent waits for Temporal to answer ({@link #awaitAnswer}) before its first call; {@link #failure} says in one line
 * why Temporal could not be reached or refused the agent.
 */
final class TemporalConnection {

  private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);

  private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  /** Pauses double up to this, so an agent whose Temporal stays down tries a few times a minute. */
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(15);
  /**
   * A frontend that accepts the connection but does not answer within this is not up yet either. An attempt under way
   * at the deadline gets its full time, so that giving up names what went wrong, not the deadline.
   */
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

  private final WorkflowServiceStubs service;
  private final AgentConfig.Temporal temporal;

  TemporalConnection(WorkflowServiceStubs service, AgentConfig.Temporal temporal) {
    this.service = service;
    this.temporal = temporal;
  }

  /**
   * Returns once Temporal answers, trying again after a pause (logged as one line) while it is unreachable or slow.
   * The SDK cannot be left to retry: its first call to a server asks for the server's capabilities within a fixed
   * 5 s of its own, whatever deadline the call has, and fails the call when they do not come. This asks for them
   * (GetSystemInfo), so the SDK has them from then on.
   *
   * @throws IllegalStateException when Temporal is still unreachable at {@code deadline}, or refuses the agent (TLS,
   *     credentials), or the wait is interrupted
   */
  void awaitAnswer(Deadline deadline) {
    Duration pause = FIRST_PAUSE;
    while (true) {
      StatusRuntimeException refusal;
      try {
        service.blockingStub()
            .withDeadlineAfter(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return;
      } catch (StatusRuntimeException e) {
        if (!notUpYet(e)) {
          throw failure(e);
        }
        refusal = e;
      }
      Duration left = Duration.ofMillis(deadline.timeRemaining(TimeUnit.MILLISECONDS));
      if (left.isNegative() || left.isZero()) {
        throw new IllegalStateException("cannot reach " + describe() + " within the registration timeout: "
            + reason(refusal), refusal);
      }
      Duration wait = shorter(pause, left);
      log.warn("Temporal at {} not reachable yet ({}); retrying in {} s", temporal.address(), reason(refusal),
          seconds(wait));
      // gRPC fails calls at once with its last error until it reconnects, on a growing backoff of its own (which the
      // SDK resets only every 10 s): restart it, so the channel is up soon after Temporal is and the next attempt
      // finds it.
      service.getRawChannel().resetConnectBackoff();
      sleep(wait);
      pause = shorter(pause.multipliedBy(2), LONGEST_PAUSE);
    }
  }

  /** One line naming Temporal's address and what went wrong: credentials, TLS, or no connection at all. */
  IllegalStateException failure(Throwable e) {
    Status status = Status.fromThrowable(e);
    if (status.getCode() == Status.Code.UNAUTHENTICATED || status.getCode() == Status.Code.PERMISSION_DENIED) {
      return new IllegalStateException(describe() + " refused the agent's credentials (API key or client "
          + "certificate): " + status.getCode() + (status.getDescription() == null ? ""
          : ": " + status.getDescription()), e);
    }
    if (hasCause(e, CertificateException.class)) {
      return new IllegalStateException(describe() + " presented a certificate the agent does not trust (check "
          + "temporal.tls.caFile): " + rootMessage(e), e);
    }
    if (hasCause(e, SSLException.class)) {
      return new IllegalStateException("TLS handshake with " + describe() + " failed (does the server accept the "
          + "agent's client certificate, temporal.tls.certChainFile?): " + rootMessage(e), e);
    }
    return new IllegalStateException("cannot reach " + describe() + ": " + rootMessage(e), e);
  }

  /**
   * No connection (refused, no route, name not resolved yet) or no answer in time. A failed TLS handshake shows as
   * UNAVAILABLE too, but waiting does not mend a certificate.
   */
  private static boolean notUpYet(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.DEADLINE_EXCEEDED || (code == Status.Code.UNAVAILABLE
        && !hasCause(e, SSLException.class) && !hasCause(e, CertificateException.class));
  }

  private static String reason(StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "no answer within " + ATTEMPT_TIMEOUT.toSeconds() + " s";
    }
    // The exception's own message is just the host name, gRPC's description says what it is.
    return hasCause(e, UnknownHostException.class) ? e.getStatus().getDescription() : rootMessage(e);
  }

  private String describe() {
    return "Temporal at " + temporal.address() + " (namespace " + temporal.namespace() + ")";
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Whole seconds, but for a last pause (cut short by the deadline) under one. */
  private static String seconds(Duration wait) {
    return wait.toMillis() < 1000 ? String.format(Locale.ROOT, "%.1f", wait.toMillis() / 1000.0)
        : String.valueOf(Math.round(wait.toMillis() / 1000.0));
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Temporal", e);
    }
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
