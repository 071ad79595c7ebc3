package io.otaflow.cli;

import io.otaflow.worker.agent.RobotAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Runs one robot's agent until stopped (Ctrl-C): registers the robot with the control plane "
        + "(otaflow server must be running), then serves its updates on task queue robot-<robot-id>.",
        "The robot's disk (slots, current, state.json) lives under --data-dir and is created when missing."})
final class AgentCommand implements Callable<Integer> {

  @Option(names = "--robot-id", required = true, description = "The robot's ID in the fleet.")
  String robotId;

  @Option(names = "--temporal-address", required = true, description = "Temporal frontend host:port.")
  String temporalAddress;

  @Option(names = "--data-dir", required = true, description = "The robot's disk directory.")
  Path dataDir;

  @Option(names = "--namespace", defaultValue = "default", description = "Temporal namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label to target the robot by; repeatable.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--register-timeout", defaultValue = "60",
      description = "Seconds to wait for the control plane to confirm the registration (default: ${DEFAULT-VALUE}).")
  long registerTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    RobotAgent agent = RobotAgent.start(new RobotAgent.Settings(robotId, temporalAddress, namespace, dataDir,
        labels, Duration.ofSeconds(registerTimeoutSeconds)));
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "otaflow-agent-shutdown"));
    System.out.println("robot " + robotId + " registered; serving " + agent.taskQueue() + " on " + temporalAddress);
    System.out.flush();
    Blocking.untilKilled();
    return 0;
  }
}
