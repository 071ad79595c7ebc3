package io.otaflow.cli;

import io.otaflow.devstack.EmbeddedTemporal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dev-server", mixinStandardHelpOptions = true,
    description = {"Runs Temporal's test server in this process until stopped (Ctrl-C).",
        "For development on one machine: everything is kept in memory and lost when it stops."})
final class DevServerCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "7233", description = "gRPC port (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    EmbeddedTemporal server = EmbeddedTemporal.start(port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "otaflow-dev-server-shutdown"));
    System.out.println("Temporal test server listening on " + server.target()
        + " (in memory; state is lost when it stops)");
    System.out.flush();
    Blocking.untilKilled();
    return 0;
  }
}
