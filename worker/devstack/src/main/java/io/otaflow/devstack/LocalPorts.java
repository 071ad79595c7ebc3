package io.otaflow.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A localhost port nothing listens on, for the servers the dev stack, the benchmarks and tests start. */
public final class LocalPorts {

  private LocalPorts() {
  }

  /** Free when asked; another process may take it before it is bound, so binders retry. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free localhost port", e);
    }
  }
}
