package io.otaflow.cli;

import io.otaflow.cli.bench.AgentDistribution;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Tests that run otaflow's processes (Temporal's test server, an agent) in JVMs of their own. */
public final class TestProcesses {

  private static final String AGENT_DISTRIBUTION_PROPERTY = "otaflow.agent.distribution";
  private static final String CONTROL_PLANE_JAR_PROPERTY = "otaflow.control-plane.jar";

  private TestProcesses() {
  }

  /**
   * A JVM on this test's class path, with {@code environment} added to this one's; its output goes to
   * {@code <logDir>/<name>.log}.
   */
  public static Process java(Path logDir, String name, Map<String, String> environment, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(javaExecutable(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return start(new ProcessBuilder(command), logDir, name, environment);
  }

  /**
   * The agent distribution's {@code bin/otaflow-agent} (built by worker/agent, named by the system property
   * {@code otaflow.agent.distribution} that failsafe sets) as its systemd unit runs it, so a test runs the agent as
   * robots run it. Output and {@code environment} as for {@link #java}.
   */
  public static Process agentDistribution(Path logDir, String name, Map<String, String> environment, String... args)
      throws IOException {
    String property = System.getProperty(AGENT_DISTRIBUTION_PROPERTY);
    if (property == null) {
      throw new IllegalStateException(AGENT_DISTRIBUTION_PROPERTY + " is not set: run this test with failsafe "
          + "(mvn verify), which sets it to the agent distribution worker/agent packages");
    }
    ProcessBuilder launcher = new AgentDistribution(Path.of(property)).launcher(logDir.resolve("jna"), List.of(args));
    return start(launcher, logDir, name, environment);
  }

  /**
   * The control plane's executable jar as its systemd unit runs it ({@code java -jar}), named by the system property
   * {@code otaflow.control-plane.jar} that failsafe sets, with Spring properties as {@code --name=value} arguments.
   * Output as for {@link #java}.
   */
  public static Process controlPlaneJar(Path logDir, String name, Map<String, String> properties) throws IOException {
    String jar = System.getProperty(CONTROL_PLANE_JAR_PROPERTY);
    if (jar == null) {
      throw new IllegalStateException(CONTROL_PLANE_JAR_PROPERTY + " is not set: run this test with failsafe "
          + "(mvn verify), which sets it to the jar worker/control-plane packages");
    }
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar));
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    return start(new ProcessBuilder(command), logDir, name, Map.of());
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Process start(ProcessBuilder builder, Path logDir, String name, Map<String, String> environment)
      throws IOException {
    builder.redirectErrorStream(true)
        .redirectOutput(logDir.resolve(name + ".log").toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Temporal's test server on {@code port}, in its own JVM; returns once it listens. */
  public static Process temporalTestServer(Path logDir, int port) throws IOException, InterruptedException {
    Process server = java(logDir, "temporal", Map.of(), "io.temporal.testserver.TestServer", Integer.toString(port));
    waitFor("the Temporal test server to listen on port " + port, Duration.ofSeconds(60), () -> listening(port));
    return server;
  }

  /**
   * The agent distribution serving robot {@code robotId} from {@code robotDir}, started as {@link #agentDistribution}
   * does (output in {@code <logDir>/<name>.log}); returns once the robot is registered.
   */
  public static Process agent(Path logDir, String name, String robotId, String temporal, Path robotDir, String... moreArgs)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--robot-id", robotId, "--temporal-address", temporal,
        "--data-dir", robotDir.toString(), "--register-timeout", "60", "--metrics-port", "0"));
    args.addAll(List.of(moreArgs));
    Process agent = agentDistribution(logDir, name, Map.of(), args.toArray(String[]::new));
    Path log = logDir.resolve(name + ".log");
    waitFor("robot " + robotId + " to register (" + name + ")", Duration.ofSeconds(90),
        () -> readQuietly(log).contains("robot " + robotId + " registered"));
    return agent;
  }

  /**
   * {@code otaflow server} in a JVM of its own against the test server at {@code temporal}, its registry under
   * {@code dataDir} (unless {@code moreArgs} name a {@code --database-url}); returns once its REST API listens on
   * {@code httpPort}.
   */
  public static Process controlPlane(Path logDir, String name, String temporal, Path dataDir, int httpPort,
                                     String... moreArgs) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("server", "--temporal-address", temporal, "--test-server",
        "--data-dir", dataDir.toString(), "--http-port", Integer.toString(httpPort), "--metrics-port", "0"));
    args.addAll(List.of(moreArgs));
    Process server = java(logDir, name, Map.of(), Otaflow.class.getName(), args.toArray(String[]::new));
    waitFor("the control plane's REST API (" + name + ")", Duration.ofSeconds(90), () -> listening(httpPort));
    return server;
  }

  /** The admin token {@code otaflow server} wrote at its first start into {@code dataDir}. */
  public static String adminToken(Path dataDir) throws IOException {
    return Files.readString(dataDir.resolve("admin-token")).strip();
  }

  /** Kills every process a test started ({@code kill -9}): nothing of one test outlives it. */
  public static void killAll(List<Process> processes) throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A log file's text so far; empty while it does not exist yet. */
  public static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  public static void waitFor(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  public static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
