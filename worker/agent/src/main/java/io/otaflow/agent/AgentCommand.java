package io.otaflow.agent;

import io.otaflow.observability.Tracing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "agent", mixinStandardHelpOptions = true, subcommands = AgentInstallCommand.class,
    description = {"Runs one robot's agent until stopped (Ctrl-C): registers the robot with the control plane "
        + "(otaflow server must be running), then serves its updates on task queue robot-<robot-id>.",
        "Configuration comes from --config (see conf/agent.yaml.example in the agent distribution); the flags below "
            + "override the file. "
            + "Without a file, --robot-id, --temporal-address and --data-dir are needed.",
        "The robot's disk (slots, current, state.json) lives under the data directory and is created when missing."})
public final class AgentCommand implements Callable<Integer> {

  /**
   * The agent distribution's entry point ({@code bin/otaflow-agent}); {@code otaflow agent} runs the same command.
   * A failure is one line on stderr and exit code 1.
   */
  public static void main(String[] args) {
    // gRPC logs through java.util.logging: route it to logback, which conf/logback.xml sets up.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new AgentCommand())
        .setCommandName("otaflow-agent")
        .setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
          commandLine.getErr().println("otaflow-agent: " + failure.getMessage());
          return 1;
        })
        .execute(args));
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "agent.yaml: Temporal connection and TLS, "
      + "safe-state rules, apply hooks, health probes.")
  Path config;

  @Option(names = "--robot-id", description = "The robot's ID in the fleet (overrides robotId).")
  String robotId;

  @Option(names = "--temporal-address", description = "Temporal frontend host:port (overrides temporal.address).")
  String temporalAddress;

  @Option(names = "--data-dir", description = "The robot's disk directory (overrides dataDir; default "
      + AgentConfig.DEFAULT_DATA_DIR + ").")
  Path dataDir;

  @Option(names = "--namespace", description = "Temporal namespace (overrides temporal.namespace; default: default).")
  String namespace;

  @Option(names = "--label", paramLabel = "KEY=VALUE",
      description = "A label to target the robot by; repeatable; added to the file's labels.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--metrics-address", paramLabel = "ADDRESS",
      description = "Address of the robot's /metrics (overrides metrics.address; default 127.0.0.1).")
  String metricsAddress;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Port of the robot's /metrics (overrides metrics.port; default 9464; 0 picks a free one).")
  Integer metricsPort;

  @Option(names = "--otlp-endpoint", paramLabel = "URL",
      description = "OTLP/HTTP collector the robot's traces go to, such as http://127.0.0.1:4318 (overrides "
          + "tracing.otlpEndpoint; default: $" + Tracing.ENDPOINT_VARIABLE + "; neither: no traces).")
  String otlpEndpoint;

  @Option(names = "--control-plane-url", paramLabel = "URL",
      description = "The control plane's REST API, where telemetry goes (overrides controlPlane.url).")
  String controlPlaneUrl;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the robot's own token, otaflow tokens create --robot ID (overrides"
          + " controlPlane.tokenFile).")
  Path tokenFile;

  @Option(names = "--register-timeout", defaultValue = "60",
      description = "Seconds to keep trying to reach Temporal, which may come up after the agent, and to wait for the "
          + "control plane to confirm the registration, both together (default: ${DEFAULT-VALUE}).")
  long registerTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    AgentConfig merged;
    RobotAgent agent;
    try {
      AgentConfig file = config == null ? AgentConfig.defaults() : AgentConfig.load(config);
      merged = file.withOverrides(robotId, temporalAddress, namespace, dataDir == null ? null : dataDir.toString(),
          labels);
      // The agent always serves its metrics: the file's place for them, or the flags', or the default.
      AgentConfig.Metrics fromFile = merged.metrics() == null ? new AgentConfig.Metrics(null, null) : merged.metrics();
      merged = merged.withMetrics(new AgentConfig.Metrics(
          metricsAddress != null ? metricsAddress : fromFile.address(),
          metricsPort != null ? metricsPort : fromFile.port()));
      merged = merged.withTracing(Tracing.endpoint(otlpEndpoint != null ? otlpEndpoint : merged.otlpEndpoint(),
          System.getenv()));
      if (controlPlaneUrl != null || tokenFile != null) {
        AgentConfig.ControlPlane fromConfig = merged.controlPlane() == null ? new AgentConfig.ControlPlane(null, null)
            : merged.controlPlane();
        merged = merged.withControlPlane(new AgentConfig.ControlPlane(
            controlPlaneUrl != null ? controlPlaneUrl : fromConfig.url(),
            tokenFile != null ? tokenFile.toString() : fromConfig.tokenFile()));
      }
      if (config == null && merged.dataDir() == null) {
        throw new IllegalArgumentException("dataDir: missing (give --data-dir, or --config with dataDir)");
      }
      agent = RobotAgent.start(merged, Duration.ofSeconds(registerTimeoutSeconds));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          (config == null ? "" : "--config ") + e.getMessage(), e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "otaflow-agent-shutdown"));
    System.out.println("robot " + merged.robotId() + " registered; serving " + agent.taskQueue() + " on "
        + merged.temporal().address() + "; metrics on http://" + merged.metrics().addressOrDefault() + ":"
        + agent.metricsPort() + AgentMetrics.PATH);
    System.out.flush();
    // Serves until the process is stopped; the shutdown hook closes the agent.
    Thread.currentThread().join();
    return 0;
  }
}
