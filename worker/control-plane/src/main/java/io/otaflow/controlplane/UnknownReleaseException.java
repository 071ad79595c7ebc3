package io.otaflow.controlplane;

/** A rollout named a release that was never registered. */
public class UnknownReleaseException extends IllegalArgumentException {

  public UnknownReleaseException(String version) {
    super("release " + version + " is not registered; register it before starting a rollout");
  }
}
