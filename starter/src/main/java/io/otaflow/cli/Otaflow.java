package io.otaflow.cli;

import io.otaflow.agent.AgentCommand;
import io.otaflow.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The otaflow command line. */
@Command(name = "otaflow", mixinStandardHelpOptions = true, version = "otaflow 0.1.0",
    description = "Over-the-air software rollouts for robot fleets, orchestrated by Temporal.",
    subcommands = {DemoCommand.class, BenchCommand.class, KeysCommand.class, ReleaseCommand.class,
        DevServerCommand.class, ServerCommand.class, AgentCommand.class, RolloutCommand.class, KillSwitchCommand.class,
        RobotsCommand.class, PlanCommand.class})
public final class Otaflow {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    Logging.takeOver();
    return commandLine().execute(args);
  }

  /** The command line with its error handling: a failure is one line on stderr (no stack trace) and exit code 1. */
  static CommandLine commandLine() {
    return new CommandLine(new Otaflow())
        .setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
          commandLine.getErr().println("otaflow: " + failure.getMessage());
          return 1;
        });
  }
}
