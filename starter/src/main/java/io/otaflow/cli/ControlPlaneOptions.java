package io.otaflow.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** {@code --server}, shared by every command that talks to a running control plane. */
final class ControlPlaneOptions {

  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:OTAFLOW_SERVER:-http://127.0.0.1:8080}",
      description = "The control plane's REST API (default: $OTAFLOW_SERVER, else http://127.0.0.1:8080).")
  URI server;

  ControlPlaneClient client() {
    return new ControlPlaneClient(server);
  }
}
