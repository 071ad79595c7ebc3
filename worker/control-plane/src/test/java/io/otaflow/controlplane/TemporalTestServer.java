package io.otaflow.controlplane;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Temporal's test server on a localhost port, so the control plane under test connects by address as in production. */
public final class TemporalTestServer implements AutoCloseable {

  private final TestServer.PortBoundTestServer server;
  private final int port;

  private TemporalTestServer(TestServer.PortBoundTestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static TemporalTestServer start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    return new TemporalTestServer(TestServer.createPortBoundServer(port, true), port);
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.close();
  }
}
