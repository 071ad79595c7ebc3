package io.otaflow.cli.chaos;

import io.otaflow.cli.TestProcesses;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.robot.RobotDisk;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The processes of the chaos suite, each in its own JVM on loopback: Temporal's test server (never killed: it keeps its
 * state in memory), the control plane ({@code otaflow server}, H2 registry in {@code <dir>/control}) and one agent
 * distribution per robot, whose agent.yaml runs the suite's hook and sensor scripts. Kills with {@code kill -9},
 * restarts, and freezes ({@code SIGSTOP}) and thaws ({@code SIGCONT}) them; {@link #close} kills every process it
 * ever started. Logs: {@code <dir>/control-plane-N.log}, {@code <dir>/agent-<robot>-N.log}, {@code temporal.log}.
 */
final class ChaosFleet implements AutoCloseable {

  private final Path dir;
  private final Map<String, String> groups;
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private final Map<String, Future<Process>> agents = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> agentStarts = new ConcurrentHashMap<>();
  private final AtomicInteger agentsExitedByThemselves = new AtomicInteger();
  private final ExecutorService starter = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "chaos-agent-start");
    thread.setDaemon(true);
    return thread;
  });
  /** Held while the control plane is killed and restarted, or frozen: one such act at a time. */
  private final ReentrantLock controlPlaneLock = new ReentrantLock();
  private volatile Process controlPlane;
  private int controlPlaneStarts;
  private String temporal;
  private int httpPort;

  private final ChaosRegistry registry;

  /**
   * @param groups   each robot's {@code group} label, in robot order
   * @param registry where the control plane keeps the registry
   */
  ChaosFleet(Path dir, Map<String, String> groups, ChaosRegistry registry) {
    this.dir = dir;
    this.groups = groups;
    this.registry = registry;
  }

  /** Starts Temporal's test server, the control plane and an agent per robot, each robot seeded with {@code factory}. */
  void start(Path factoryArtifact, String factoryVersion) throws Exception {
    for (String script : List.of("hook.sh", "sensors.sh")) {
      try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/chaos/" + script), script)) {
        Files.createDirectories(dir.resolve("scripts"));
        Files.copy(in, dir.resolve("scripts").resolve(script));
      }
    }
    int temporalPort = LocalPorts.free();
    temporal = "127.0.0.1:" + temporalPort;
    started.add(TestProcesses.temporalTestServer(dir, temporalPort));
    httpPort = LocalPorts.free();
    startControlPlane();
    for (String robot : groups.keySet()) {
      RobotDisk.seed(robotDir(robot), factoryArtifact, factoryVersion);
      Files.createDirectories(chaosDir(robot));
      writeConfig(robot);
      startAgent(robot);
    }
    awaitAgents();
  }

  List<String> robots() {
    return List.copyOf(groups.keySet());
  }

  String temporalTarget() {
    return temporal;
  }

  /** The admin token the control plane wrote at its first start. */
  String adminToken() throws IOException {
    return TestProcesses.adminToken(dir.resolve("control"));
  }

  URI api() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  Path dir() {
    return dir;
  }

  Path robotDir(String robot) {
    return dir.resolve("robots").resolve(robot);
  }

  /** Where the hook and sensor scripts read what the suite wants (arm-*, held-*, busy, hot-*). */
  Path chaosDir(String robot) {
    return robotDir(robot).resolve("chaos");
  }

  RobotDisk disk(String robot) {
    return new RobotDisk(robotDir(robot));
  }

  ReentrantLock controlPlaneLock() {
    return controlPlaneLock;
  }

  /** The robot's agent, once started (waits for a restart under way to register). */
  Process agent(String robot) throws InterruptedException {
    try {
      return agents.get(robot).get(3, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("agent " + robot + " did not start: see " + dir, e);
    }
  }

  /** {@code kill -9} of the robot's agent; returns once it is gone. */
  void killAgent(String robot) throws InterruptedException {
    kill(agent(robot));
  }

  /**
   * Starts the robot's agent (again) in the background; {@link #agent} waits for it to register. An agent that exits
   * by itself before it registered (it gives up when Temporal answers too slowly, as on a loaded machine) is started
   * again after a second, as its systemd unit ({@code Restart=always}) would; each such exit is counted.
   */
  void startAgent(String robot) {
    agents.put(robot, starter.submit(() -> {
      for (int attempt = 1; ; attempt++) {
        String name = "agent-" + robot + "-" + agentStarts.computeIfAbsent(robot, r -> new AtomicInteger())
            .incrementAndGet();
        Process agent = TestProcesses.agentDistribution(dir, name, Map.of(), "--robot-id", robot,
            "--temporal-address", temporal, "--data-dir", robotDir(robot).toString(), "--register-timeout", "120",
            "--metrics-port", "0", "--config", dir.resolve("agents").resolve(robot + ".yaml").toString());
        started.add(agent);
        Path log = dir.resolve(name + ".log");
        TestProcesses.waitFor("robot " + robot + " to register (" + name + ")", Duration.ofSeconds(150),
            () -> TestProcesses.readQuietly(log).contains("robot " + robot + " registered") || !agent.isAlive());
        if (agent.isAlive()) {
          return agent;
        }
        String why = TestProcesses.readQuietly(log).lines().reduce((first, last) -> last).orElse("");
        agentsExitedByThemselves.incrementAndGet();
        System.out.printf("chaos: %s exited %d by itself, started again as systemd would: %s%n", name,
            agent.exitValue(), why);
        if (attempt == 5) {
          throw new IllegalStateException(name + " exited " + agent.exitValue() + " five times: see " + log);
        }
        Thread.sleep(1000);
      }
    }));
  }

  /** Agents that exited by themselves at start and were started again. */
  int agentsExitedByThemselves() {
    return agentsExitedByThemselves.get();
  }

  /** Every agent started and registered (restarts included). */
  void awaitAgents() throws InterruptedException {
    for (String robot : groups.keySet()) {
      agent(robot);
    }
  }

  /** The control plane; call with {@link #controlPlaneLock} held when it must stay the same process. */
  Process controlPlane() {
    return controlPlane;
  }

  /** {@code kill -9} of the control plane; the caller holds {@link #controlPlaneLock}. */
  void killControlPlane() throws InterruptedException {
    kill(controlPlane);
  }

  /** Starts the control plane (again) on the same port and database; returns once its REST API answers. */
  void startControlPlane() throws IOException, InterruptedException {
    controlPlaneLock.lock();
    try {
      controlPlane = TestProcesses.controlPlane(dir, "control-plane-" + ++controlPlaneStarts, temporal,
          dir.resolve("control"), httpPort, registry.serverArgs().toArray(String[]::new));
      started.add(controlPlane);
    } finally {
      controlPlaneLock.unlock();
    }
  }

  int controlPlaneStarts() {
    return controlPlaneStarts;
  }

  int agentStarts() {
    return agentStarts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** {@code SIGSTOP}: the process keeps its sockets and state but runs nothing until {@link #thaw}. */
  static Process freeze(Process process) throws IOException, InterruptedException {
    signal("-STOP", process);
    return process;
  }

  /** {@code SIGCONT}; harmless on a process that is running or gone. */
  static void thaw(Process process) throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      signal("-CONT", process);
    }
  }

  private static void signal(String signal, Process process) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    if (exit != 0 && process.isAlive()) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited " + exit);
    }
  }

  private static void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process " + process.pid() + " outlived kill -9 by 30 s");
    }
  }

  /** The text of every log of the robot's agents (one per start), for the invariants that read what robots did. */
  String agentLogs(String robot) throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : files.filter(file -> file.getFileName().toString().startsWith("agent-" + robot + "-")).sorted()
          .toList()) {
        text.append(Files.readString(log));
      }
    }
    return text.toString();
  }

  private void writeConfig(String robot) throws IOException {
    Path robotDir = robotDir(robot);
    String hook = "sh " + dir.resolve("scripts/hook.sh") + " " + robotDir + " ";
    Files.createDirectories(dir.resolve("agents"));
    Files.writeString(dir.resolve("agents").resolve(robot + ".yaml"), String.join("\n",
        "labels:",
        "  group: " + groups.get(robot),
        "sensors:",
        "  - type: command",
        "    command: \"sh " + dir.resolve("scripts/sensors.sh") + " " + robotDir + "\"",
        "mission:",
        "  type: lockFile",
        "  path: " + chaosDir(robot).resolve("busy"),
        "hooks:",
        "  beforeSwitch: [\"" + hook + "beforeSwitch\"]",
        "  afterSwitch: [\"" + hook + "afterSwitch\"]",
        "  timeout: 3m",
        "health:",
        "  commands:",
        "    - name: chaos-probe",
        "      command: \"" + hook + "probe\"",
        "      timeout: 3m",
        ""));
  }

  /** Kills every process this fleet started (thawed first) and lets every held hook go. */
  @Override
  public void close() throws Exception {
    starter.shutdownNow();
    // Starts under way finish (or are interrupted) first, so that every process they started is in the list.
    starter.awaitTermination(30, TimeUnit.SECONDS);
    for (Process process : started) {
      thaw(process);
    }
    TestProcesses.killAll(started);
    for (String robot : groups.keySet()) {
      try (Stream<Path> held = Files.exists(chaosDir(robot)) ? Files.list(chaosDir(robot)) : Stream.empty()) {
        for (Path file : held.filter(f -> f.getFileName().toString().startsWith("held-")).toList()) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
