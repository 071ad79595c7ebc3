package io.otaflow.cli;

import io.otaflow.agent.AgentCommand;
import io.otaflow.cli.bench.BenchCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The otaflow command line. */
@Command(name = "otaflow", mixinStandardHelpOptions = true, version = "otaflow 0.1.0",
    description = "Over-the-air software rollouts for robot fleets, orchestrated by Temporal.",
    subcommands = {DemoCommand.class, BenchCommand.class, KeysCommand.class, ReleaseCommand.class,
        DevServerCommand.class, ServerCommand.class, AgentCommand.class, RolloutCommand.class, KillSwitchCommand.class,
        RobotsCommand.class, PlanCommand.class, AuditCommand.class, TokensCommand.class,
        AutoComplete.GenerateCompletion.class})
public final class Otaflow {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    Logging.takeOver();
    return commandLine().execute(args);
  }

  /**
   * The command line with its error handling: a failure is one line on stderr (no stack trace, no usage text) and the
   * exit code that says what kind of failure it was ({@link ExitCodes}, listed in every command's --help).
   */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Otaflow())
        .setExecutionExceptionHandler((failure, line, parseResult) -> {
          line.getErr().println("otaflow: " + (failure.getMessage() != null ? failure.getMessage()
              : "unexpected " + failure.getClass().getSimpleName() + " (a defect in otaflow: please report it)"));
          return exitCode(failure);
        })
        .setParameterExceptionHandler((failure, args) -> {
          CommandLine line = failure.getCommandLine();
          line.getErr().println("otaflow: " + failure.getMessage() + " (otaflow " + commandPath(line) + " --help)");
          return ExitCodes.BAD_INPUT;
        });
    listExitCodes(commandLine);
    return commandLine;
  }

  private static int exitCode(Exception failure) {
    if (failure instanceof ControlPlaneClient.ControlPlaneException refused) {
      return refused.exitCode();
    }
    return failure instanceof IllegalArgumentException ? ExitCodes.BAD_INPUT : ExitCodes.ERROR;
  }

  private static String commandPath(CommandLine line) {
    String path = line.getCommandSpec().qualifiedName(" ");
    return path.startsWith("otaflow") ? path.substring("otaflow".length()).strip() : path;
  }

  private static void listExitCodes(CommandLine line) {
    line.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.described());
    line.getSubcommands().values().forEach(Otaflow::listExitCodes);
  }
}
