package io.otaflow.devstack;

import io.otaflow.controlplane.SearchAttributeCheck;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;

/**
 * Temporal's test server running inside this JVM as a real gRPC server on a localhost port, so workers and clients
 * connect by address exactly as they do to a production cluster. Time is real (time skipping locked). Its namespace
 * {@code default} has otaflow's search attributes registered, as a cluster's operator registers them. Its lock list
 * is made to stay cheap over long runs ({@link TestServerLockEvents}).
 */
public final class EmbeddedTemporal implements AutoCloseable {

  private static final int BIND_ATTEMPTS = 5;

  private final TestServer.PortBoundTestServer server;
  private final int port;

  private EmbeddedTemporal(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
    TestServerLockEvents.removeFromTheTail(server);
    new SearchAttributeCheck(WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build(), "default")
        .registerOnTestServer();
  }

  /** Starts the server on a free port; retries when another process takes the port between probe and bind. */
  public static EmbeddedTemporal start() {
    RuntimeException last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      int port = LocalPorts.free();
      TestServer.PortBoundTestServer server;
      try {
        server = TestServer.createPortBoundServer(port, true);
      } catch (RuntimeException e) {
        last = e;
        continue;
      }
      return new EmbeddedTemporal(server, port);
    }
    throw new IllegalStateException("could not start the embedded Temporal server", last);
  }

  /** Starts the server on {@code port}; fails when the port is taken. */
  public static EmbeddedTemporal start(int port) {
    TestServer.PortBoundTestServer server;
    try {
      server = TestServer.createPortBoundServer(port, true);
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start the Temporal test server on port " + port
          + " (is it already in use?)", e);
    }
    return new EmbeddedTemporal(server, port);
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
