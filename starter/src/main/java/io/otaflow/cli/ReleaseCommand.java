package io.otaflow.cli;

import picocli.CommandLine.Command;

@Command(name = "release", mixinStandardHelpOptions = true,
    description = "Prepares releases for rollout and registers them with the control plane.",
    subcommands = {ReleaseSignCommand.class, ReleasePublishCommand.class})
final class ReleaseCommand {
}
