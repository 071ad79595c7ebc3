package io.otaflow.agent;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.robot.OfflineInstall;
import io.otaflow.robot.RobotDisk;
import io.otaflow.wire.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Installs a release from a bundle (otaflow release export) on this robot, with no Temporal and no "
        + "network: verifies it (size, SHA-256, signature, expiry, downgrade rule, target labels) with the robot's "
        + "trusted keys, waits for a safe state, applies it, runs the health gate over the soak window, then commits, "
        + "or rolls back.",
        "Refused while state.json shows a rollout's update in progress. The install is reported to the control plane "
            + "when the agent next registers.",
        "Exit code: 0 committed, 1 refused (nothing changed), 2 rolled back (unhealthy), 3 the rollback failed."})
final class AgentInstallCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The bundle, such as "
      + "release-2.0.0.otaflow.")
  Path bundle;

  @Option(names = "--config", paramLabel = "FILE", description = "agent.yaml: data directory, trusted keys, labels, "
      + "safe-state rules, hooks, health probes (robotId and temporal are not needed).")
  Path config;

  @Option(names = "--data-dir", description = "The robot's disk directory (overrides dataDir; default "
      + AgentConfig.DEFAULT_DATA_DIR + ").")
  Path dataDir;

  @Option(names = "--safe-state-timeout", defaultValue = "30m", paramLabel = "DURATION",
      description = "How long to wait for a safe state before giving up (default: ${DEFAULT-VALUE}).")
  String safeStateTimeout;

  @Option(names = "--health-checks", defaultValue = "3", paramLabel = "N",
      description = "Rounds of health probes after apply, all of which must pass (default: ${DEFAULT-VALUE}).")
  int healthChecks;

  @Option(names = "--soak", defaultValue = "60s", paramLabel = "DURATION",
      description = "The window the health rounds are spread over (default: ${DEFAULT-VALUE}).")
  String soak;

  @Override
  public Integer call() throws Exception {
    OfflineInstall install;
    OfflineInstall.Options options;
    try {
      if (!Files.isRegularFile(bundle)) {
        throw new IllegalArgumentException("--bundle: " + bundle + " is not a file");
      }
      AgentConfig file = config == null ? AgentConfig.defaults() : AgentConfig.load(config);
      AgentConfig merged = file.withOverrides(null, null, null, dataDir == null ? null : dataDir.toString(), null);
      Duration soakWindow = Durations.read(soak).filter(window -> !window.isNegative()).orElseThrow(() ->
          new IllegalArgumentException("--soak: '" + soak + "' is not a duration, expected one such as "
              + Durations.FORMS));
      options = new OfflineInstall.Options(Durations.parsePositive(safeStateTimeout, "--safe-state-timeout"),
          healthChecks, soakWindow);
      RobotDisk disk = new RobotDisk(merged.dataDirPath());
      install = new OfflineInstall(disk, merged.robotSide().forRobot(disk, new SimpleMeterRegistry()),
          Clock.systemUTC(), System.out);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return install.install(bundle, options).outcome().exitCode();
  }
}
