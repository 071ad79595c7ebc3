package io.otaflow.cli.bench;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures otaflow on this machine.",
    subcommands = {BenchRolloutCommand.class, BenchRollbackCommand.class, BenchFootprintCommand.class,
        BenchTelemetryCommand.class, BenchAssignCommand.class, BenchDownloadCommand.class})
public final class BenchCommand {
}
