package io.otaflow.agent;

import java.io.IOException;

/** Where the agent's sd_notify(3) messages go: systemd's socket, or a recorder in tests. */
@FunctionalInterface
public interface SystemdNotifier {

  /** Sends one message, newline-separated assignments such as {@code READY=1\nSTATUS=...}. */
  void send(String state) throws IOException;
}
