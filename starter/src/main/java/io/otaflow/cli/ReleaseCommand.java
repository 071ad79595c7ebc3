package io.otaflow.cli;

import picocli.CommandLine.Command;

@Command(name = "release", mixinStandardHelpOptions = true, description = "Prepares releases for rollout.",
    subcommands = ReleaseSignCommand.class)
final class ReleaseCommand {
}
