package io.otaflow.agent;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.observability.JsonLogEncoder;
import io.otaflow.robot.OfflineInstall;
import io.otaflow.robot.RobotDisk;
import io.otaflow.wire.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Installs a release from a bundle (otaflow release export) on this robot, with no Temporal and no "
        + "network: verifies it (size, SHA-256, signature, expiry, downgrade rule, target labels) with the robot's "
        + "trusted keys, waits for a safe state, applies it, runs the health gate over the soak window, then commits, "
        + "or rolls back.",
        "Refused while state.json shows a rollout's update in progress. The install is reported to the control plane "
            + "when the agent next registers.",
        "Exit code: 0 committed, 1 refused (nothing changed), 2 rolled back (unhealthy), 3 the rollback failed."})
final class AgentInstallCommand implements Callable<Integer> {

  static final String LOG_FILE = "offline-install.log";

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
    // Refusals of the command line or of agent.yaml are one line (the handler prints it), exit 1: nothing changed.
    if (!Files.isRegularFile(bundle)) {
      throw new IllegalArgumentException("--bundle: " + bundle + " is not a file");
    }
    AgentConfig file = config == null ? AgentConfig.defaults() : AgentConfig.load(config);
    AgentConfig merged = file.withOverrides(null, null, null, dataDir == null ? null : dataDir.toString(), null);
    Duration soakWindow = Durations.read(soak).filter(window -> !window.isNegative()).orElseThrow(() ->
        new IllegalArgumentException("--soak: '" + soak + "' is not a duration, expected one such as "
            + Durations.FORMS));
    OfflineInstall.Options options = new OfflineInstall.Options(Durations.parsePositive(safeStateTimeout,
        "--safe-state-timeout"), healthChecks, soakWindow);
    RobotDisk disk = new RobotDisk(merged.dataDirPath());
    Path log = disk.dir().resolve(LOG_FILE);
    logTo(log);
    System.out.println("installing " + bundle + " on " + disk.dir() + " (log: " + log + ")");
    OfflineInstall install = new OfflineInstall(disk, merged.robotSide().forRobot(disk, new SimpleMeterRegistry()),
        Clock.systemUTC(), System.out);
    return install.install(bundle, options).outcome().exitCode();
  }

  /** The steps' log lines go to a file: stdout is the person's, progress and outcome only. */
  private static void logTo(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    root.addAppender(appender);
  }
}
