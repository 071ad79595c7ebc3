package io.otaflow.registry;

/**
 * The registry already holds something else under this name: a rollout ID taken, or a release version registered
 * with a different artifact or manifest. Still an {@link IllegalArgumentException}: the caller asked for something
 * that cannot be done, but retrying with other input can.
 */
public class RegistryConflictException extends IllegalArgumentException {

  public RegistryConflictException(String message) {
    super(message);
  }
}
