package io.otaflow.cli;

import picocli.CommandLine.Command;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Works with rollout plan files.",
    subcommands = PlanValidateCommand.class)
final class PlanCommand {
}
