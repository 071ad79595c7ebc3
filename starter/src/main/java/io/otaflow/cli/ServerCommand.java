package io.otaflow.cli;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.robot.RobotNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Runs the control plane until stopped (Ctrl-C): the Temporal worker on otaflow-control "
        + "(rollouts, robot updates, robot registration) and the fleet registry.",
        "Logs go to <data-dir>/otaflow-server.log; warnings also to stderr."})
final class ServerCommand implements Callable<Integer> {

  @Option(names = "--temporal-address", defaultValue = "127.0.0.1:7233",
      description = "Temporal frontend host:port (default: ${DEFAULT-VALUE}).")
  String temporalAddress;

  @Option(names = "--namespace", defaultValue = "default", description = "Temporal namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/data",
      description = "Directory for the H2 registry (unless --database-url) and the log (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--database-url", description = "JDBC URL of the registry database (default: H2 under --data-dir).")
  String databaseUrl;

  @Option(names = "--database-user", description = "Registry database user.")
  String databaseUser;

  @Option(names = "--database-password", description = "Registry database password.")
  String databasePassword;

  @Option(names = "--test-server",
      description = "Temporal is the test server (otaflow dev-server): lets a restarted control plane resume workflows.")
  boolean testServer;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Logging.toFile(dir.resolve("otaflow-server.log"));
    ConfigurableApplicationContext context = ControlPlaneApplication.start(properties(dir));
    Runtime.getRuntime().addShutdownHook(new Thread(context::close, "otaflow-server-shutdown"));
    System.out.println("otaflow control plane connected to Temporal at " + temporalAddress + " (namespace "
        + namespace + "), serving task queue " + RobotNames.CONTROL_TASK_QUEUE + "; registry "
        + (databaseUrl == null || databaseUrl.isBlank() ? "H2 under " + dir : databaseUrl)
        + "; log " + dir.resolve("otaflow-server.log"));
    System.out.flush();
    Blocking.untilKilled();
    return 0;
  }

  Map<String, String> properties(Path dir) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.temporal.connection.target", temporalAddress);
    properties.put("spring.temporal.namespace", namespace);
    properties.put("otaflow.data-dir", dir.toString());
    if (databaseUrl != null && !databaseUrl.isBlank()) {
      properties.put("otaflow.database.url", databaseUrl);
    }
    if (databaseUser != null) {
      properties.put("otaflow.database.user", databaseUser);
    }
    if (databasePassword != null) {
      properties.put("otaflow.database.password", databasePassword);
    }
    if (testServer) {
      properties.put("otaflow.temporal.test-server", "true");
    }
    return properties;
  }
}
