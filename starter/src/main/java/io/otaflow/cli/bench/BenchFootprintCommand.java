package io.otaflow.cli.bench;

import io.otaflow.cli.DataDirectory;
import io.otaflow.cli.DurationConverter;
import io.otaflow.cli.Logging;
import io.otaflow.wire.WireJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "footprint", mixinStandardHelpOptions = true,
    description = {"Measures the two deployables as shipped, each in its own process against Temporal's test server "
        + "in this one: the control plane's executable jar (launch to REST API ready, idle RSS) and the agent "
        + "distribution (lib/ size, launch to registered, idle RSS with its systemd unit's JVM options).",
        "Build them first: mvn -B -pl worker/control-plane,worker/agent -am package -DskipTests. Linux only (RSS "
            + "from /proc)."})
final class BenchFootprintCommand implements Callable<Integer> {

  @Option(names = "--control-plane-jar", paramLabel = "FILE",
      defaultValue = "worker/control-plane/target/otaflow-control-plane-0.1.0-SNAPSHOT-exec.jar",
      description = "The control plane's executable jar (default: ${DEFAULT-VALUE}).")
  Path controlPlaneJar;

  @Option(names = "--agent-distribution", paramLabel = "DIR",
      defaultValue = "worker/agent/target/otaflow-agent-0.1.0-SNAPSHOT-dist/otaflow-agent",
      description = "An unpacked agent distribution (default: ${DEFAULT-VALUE}).")
  Path agentDistribution;

  @Option(names = "--runs", defaultValue = "3", description = "Fresh processes this many times (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--idle", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long both idle before their memory is read (default: ${DEFAULT-VALUE}).")
  Duration idle;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/bench-footprint",
      description = "Scratch directory, emptied first; the processes' logs stay there (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--json", description = "Print the figures as one JSON document.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!controlPlaneJar.toFile().isFile()) {
      throw new IllegalArgumentException("no control plane jar at " + controlPlaneJar + ": build it with mvn -B -pl "
          + "worker/control-plane -am package -DskipTests");
    }
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
    }
    Path dir = DataDirectory.recreate(dataDir);
    Logging.toFile(dir.resolve("otaflow.log"));
    FootprintBenchmark.Result result = new FootprintBenchmark(controlPlaneJar, new AgentDistribution(agentDistribution),
        dir, runs, idle, json ? null : System.err).run();
    System.out.print(json ? WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n"
        : result.describe());
    return 0;
  }
}
