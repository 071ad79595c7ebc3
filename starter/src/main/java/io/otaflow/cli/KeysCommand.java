package io.otaflow.cli;

import picocli.CommandLine.Command;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manages release signing keys.",
    subcommands = KeysGenerateCommand.class)
final class KeysCommand {
}
