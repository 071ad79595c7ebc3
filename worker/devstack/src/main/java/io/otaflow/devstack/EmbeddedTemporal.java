package io.otaflow.devstack;

import io.temporal.testserver.TestServer;

/**
 * Temporal's test server running inside this JVM as a real gRPC server on a localhost port, so workers and clients
 * connect by address exactly as they do to a production cluster. Time is real (time skipping locked).
 */
public final class EmbeddedTemporal implements AutoCloseable {

  private static final int BIND_ATTEMPTS = 5;

  private final TestServer.PortBoundTestServer server;
  private final int port;

  private EmbeddedTemporal(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts the server on a free port; retries when another process takes the port between probe and bind. */
  public static EmbeddedTemporal start() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      int port = LocalPorts.free();
      try {
        return new EmbeddedTemporal(TestServer.createPortBoundServer(port, true), port);
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw new IllegalStateException("could not start the embedded Temporal server", last);
  }

  /** Starts the server on {@code port}; fails when the port is taken. */
  public static EmbeddedTemporal start(int port) {
    try {
      return new EmbeddedTemporal(TestServer.createPortBoundServer(port, true), port);
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start the Temporal test server on port " + port
          + " (is it already in use?)", e);
    }
  }

  /** The address to give {@code spring.temporal.connection.target} or any other Temporal client. */
  public String target() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.close();
  }
}
