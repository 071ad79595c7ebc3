package io.otaflow.controlplane.analysis;

/** Prometheus could not be asked (unreachable, timed out, a 5xx answer): asking again may help. */
public class PrometheusUnavailableException extends Exception {

  public PrometheusUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
