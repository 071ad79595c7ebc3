package io.otaflow.cli.bench;

import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.devstack.LocalPorts;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the two deployables cost as they are shipped, each in a process of its own against Temporal's test server in
 * this one: the control plane's executable jar (time from launch to its REST API answering, resident memory once idle)
 * and the agent distribution (its lib/, time from launch to registered, resident memory once idle, with the JVM options
 * of its systemd unit). Resident memory is the kernel's VmRSS of the JVM: Linux only.
 */
final class FootprintBenchmark {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path controlPlaneJar;
  private final AgentDistribution agent;
  private final Path dataDir;
  private final int runs;
  private final Duration idle;
  private final PrintStream progress;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  FootprintBenchmark(Path controlPlaneJar, AgentDistribution agent, Path dataDir, int runs, Duration idle,
                     PrintStream progress) {
    this.controlPlaneJar = controlPlaneJar;
    this.agent = agent;
    this.dataDir = dataDir;
    this.runs = runs;
    this.idle = idle;
    this.progress = progress;
  }

  /** One run's figures. */
  record Run(double controlPlaneReadySeconds, double controlPlaneIdleRssMb, double agentRegisteredSeconds,
             double agentIdleRssMb) {
  }

  /**
   * @param agentLibBytes   the size of the agent distribution's lib/
   * @param agentJavaOptions what the agent ran with: its systemd unit's JAVA_OPTS
   */
  record Result(int agentLibJars, long agentLibBytes, String agentJavaOptions, Duration idle, List<Run> runs) {

    String describe() {
      StringBuilder out = new StringBuilder(String.format("agent distribution: lib/ %d jars, %.1f MB%n", agentLibJars,
          agentLibBytes / 1e6));
      out.append("agent JAVA_OPTS (its systemd unit): ").append(agentJavaOptions).append('\n');
      for (int i = 0; i < runs.size(); i++) {
        Run run = runs.get(i);
        out.append(String.format("run %d: control plane ready in %.1f s, idle RSS %.0f MB; agent registered in %.1f s,"
                + " idle RSS %.1f MB (after %d s idle)%n", i + 1, run.controlPlaneReadySeconds,
            run.controlPlaneIdleRssMb, run.agentRegisteredSeconds, run.agentIdleRssMb, idle.toSeconds()));
      }
      return out.toString();
    }
  }

  Result run() throws IOException, InterruptedException {
    List<Path> jars = agent.jars();
    long libBytes = 0;
    for (Path jar : jars) {
      libBytes += Files.size(jar);
    }
    List<Run> results = new ArrayList<>();
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      for (int run = 1; run <= runs; run++) {
        say("Run " + run + " of " + runs + ": control plane " + controlPlaneJar.getFileName() + ", agent "
            + agent.home());
        results.add(measure(temporal.target(), Files.createDirectories(dataDir.resolve("run-" + run))));
      }
    }
    return new Result(jars.size(), libBytes, agent.unitJavaOptions(), idle, results);
  }

  private Run measure(String temporal, Path runDir) throws IOException, InterruptedException {
    int httpPort = LocalPorts.free();
    long launched = System.nanoTime();
    Process controlPlane = new ProcessBuilder(javaExecutable(), "-jar", controlPlaneJar.toString(),
        "--spring.temporal.connection.target=" + temporal, "--otaflow.temporal.test-server=true",
        "--otaflow.data-dir=" + runDir.resolve("control-plane"), "--server.port=" + httpPort,
        "--management.server.port=0")
        .redirectErrorStream(true).redirectOutput(runDir.resolve("control-plane.log").toFile()).start();
    Process robot = null;
    try {
      awaitOrFail("the control plane's REST API", controlPlane, () -> answers(httpPort));
      double controlPlaneReady = secondsSince(launched);

      Path agentLog = runDir.resolve("agent.log");
      launched = System.nanoTime();
      robot = agent.launcher(runDir.resolve("jna"), List.of("--robot-id", "r1", "--temporal-address", temporal,
              "--data-dir", runDir.resolve("robot").toString(), "--metrics-port", "0"))
          .redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();
      awaitOrFail("the agent's registration", robot, () -> logSays(agentLog, "robot r1 registered"));
      double agentRegistered = secondsSince(launched);

      say("  control plane ready in " + String.format("%.1f", controlPlaneReady) + " s, agent registered in "
          + String.format("%.1f", agentRegistered) + " s; idling " + idle.toSeconds() + " s");
      Thread.sleep(idle.toMillis());
      return new Run(controlPlaneReady, residentMb(controlPlane), agentRegistered, residentMb(robot));
    } finally {
      stop(robot);
      stop(controlPlane);
    }
  }

  /** Waits for {@code ready}; fails naming {@code what} when the process exits first or the time is up. */
  private static void awaitOrFail(String what, Process process, BooleanSupplier ready) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!ready.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + ": the process exited with code " + process.exitValue()
            + " (its log is in the data directory)");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not ready after " + START_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private boolean answers(int port) {
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/readyz")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean logSays(Path log, String line) {
    try {
      return Files.exists(log) && Files.readString(log).contains(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** VmRSS of the process: the agent's launcher execs java, so its PID is the JVM's. */
  private static double residentMb(Process process) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + process.pid());
  }

  private static void stop(Process process) throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static double secondsSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private void say(String line) {
    if (progress != null) {
      progress.println(line);
    }
  }
}
