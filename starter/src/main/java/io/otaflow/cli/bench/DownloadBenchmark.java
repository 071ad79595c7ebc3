package io.otaflow.cli.bench;

import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.release.Release;
import io.otaflow.robot.FileTrees;
import io.otaflow.robotupdate.StagedArtifact;
import io.otaflow.signing.ArtifactDigest;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A robot's download and verify of one random artifact from a loopback HTTP server (the dev stack's artifact server),
 * against {@code curl -o} then {@code openssl dgst -sha256} of the same file from the same server; optionally a
 * download killed with {@code kill -9} part way and resumed. The robot runs in a JVM of its own (the robot-side
 * activities as the agent registers them), driven through Temporal by a workflow with a robot update's options.
 */
final class DownloadBenchmark {

  private static final String ARTIFACT = "artifact.bin";
  private static final String QUEUE = "otaflow-bench-download";
  private static final String TIMED_RUN = "bench-download-timed-";
  /** Each side is timed this many times, alternating, and the median counts: one disk hiccup does not decide. */
  static final int RUNS = 3;
  private static final Duration STEP_DEADLINE = Duration.ofMinutes(10);

  /**
   * @param killPercent     the share of the artifact served when the robot is killed; null: no kill run
   * @param servedBeforeKill bytes the server had sent when the kill landed (some still in socket buffers)
   * @param servedAfterRestart bytes sent to the restarted robot
   */
  record KillRun(int killPercent, long servedBeforeKill, long servedAfterRestart, long sizeBytes) {

    /** Bytes fetched again beyond the rest the server had not yet sent when the robot died. */
    long refetchedBeyondRest() {
      return servedAfterRestart - (sizeBytes - servedBeforeKill);
    }

    /** The resumed attempt fetched everything after this byte in one ranged request. */
    long resumedAt() {
      return sizeBytes - servedAfterRestart;
    }
  }

  /** One timed run of each side, in seconds; see {@link Result}. */
  private record TimedRun(double otaflow, double download, double verify, double curl, double openssl) {
  }

  /**
   * Medians over {@link #RUNS} runs of each side.
   *
   * @param otaflowSeconds  from starting the workflow to its result
   * @param downloadSeconds the download activity's run on the robot (started to completed, from the history)
   * @param verifySeconds   the verify activity's run
   * @param firstDownloadSeconds the first run's download, in a JVM that had not hashed or downloaded before
   */
  record Result(long sizeBytes, double otaflowSeconds, double downloadSeconds, double verifySeconds,
                double firstDownloadSeconds, double curlSeconds, double opensslSeconds, KillRun kill) {

    double toolsSeconds() {
      return curlSeconds + opensslSeconds;
    }

    String describe() {
      StringBuilder out = new StringBuilder(String.format(
          "download: %d bytes (%.2f GiB) of random data from a loopback HTTP server, median of %d runs each%n"
              + "%-36s %9s %9s%n", sizeBytes, sizeBytes / (double) (1L << 30), RUNS, "", "seconds", "MB/s"));
      row(out, "otaflow download + verify", downloadSeconds + verifySeconds);
      row(out, "  download (one hash pass)", downloadSeconds);
      row(out, "  verify (size, hash, manifest)", verifySeconds);
      row(out, "  workflow start to result", otaflowSeconds);
      row(out, "  first download of the agent's JVM", firstDownloadSeconds);
      row(out, "curl -o", curlSeconds);
      row(out, "openssl dgst -sha256", opensslSeconds);
      row(out, "curl -o, then openssl dgst -sha256", toolsSeconds());
      out.append(String.format("otaflow download + verify / (curl + openssl): %.2f%n",
          (downloadSeconds + verifySeconds) / toolsSeconds()));
      if (kill != null) {
        out.append(String.format("kill -9 at %d%%: %d bytes served before the kill, %d after the restart (resumed at "
                + "byte %d); re-fetched beyond the rest: %d bytes (%.2f%% of the file)%n", kill.killPercent(),
            kill.servedBeforeKill(), kill.servedAfterRestart(), kill.resumedAt(), kill.refetchedBeyondRest(),
            100.0 * kill.refetchedBeyondRest() / sizeBytes));
      }
      return out.toString();
    }

    private void row(StringBuilder out, String what, double seconds) {
      out.append(String.format("%-36s %9.2f %9.1f%n", what, seconds, sizeBytes / seconds / 1e6));
    }
  }

  private final long sizeBytes;
  private final Integer killPercent;
  private final Path workDir;
  private final PrintStream progress;
  private final List<Process> robots = new ArrayList<>();

  /**
   * @param workDir  scratch directory (the artifact, the robots' disks, curl's copy); the caller deletes it
   * @param progress where steps are announced; null: nowhere
   */
  DownloadBenchmark(long sizeBytes, Integer killPercent, Path workDir, PrintStream progress) {
    this.sizeBytes = sizeBytes;
    this.killPercent = killPercent;
    this.workDir = workDir;
    this.progress = progress == null ? new PrintStream(OutputStream.nullOutputStream()) : progress;
  }

  /** Refuses in one line naming what is missing: the figures mean nothing without both tools. */
  static void requireTools(String path) {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("curl", "openssl")) {
      if (findOnPath(tool, path).isEmpty()) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("bench download compares with curl -o and openssl dgst -sha256: "
          + String.join(" and ", missing) + " not found on the PATH");
    }
  }

  private static Optional<Path> findOnPath(String tool, String path) {
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Optional.of(Path.of(dir, tool));
      }
    }
    return Optional.empty();
  }

  Result run() throws Exception {
    Path artifacts = Files.createDirectories(workDir.resolve("artifacts"));
    Path file = artifacts.resolve(ARTIFACT);
    progress.printf("writing %d random bytes to %s%n", sizeBytes, file);
    writeRandom(file);
    String sha256 = ArtifactDigest.sha256Hex(file);
    try (ArtifactServer server = ArtifactServer.start(artifacts); EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
      try {
        factory.newWorker(QUEUE).registerWorkflowImplementationTypes(DownloadBenchWorkflowImpl.class);
        factory.start();
        WorkflowClient client = factory.getWorkflowClient();
        List<TimedRun> runs = new ArrayList<>();
        // One agent for the timed runs, as on a robot: a long-running process, past its start-up, that downloads
        // release after release. The first run of a fresh JVM is reported on its own.
        Path robotDir = workDir.resolve("robot-timed");
        Process robot = startRobot("robot-timed", temporal, robotDir);
        awaitSettled(robot);
        for (int run = 1; run <= RUNS; run++) {
          String workflowId = TIMED_RUN + run;
          double otaflow = timeOtaflow(client, workflowId, release(server, sha256, "1.0." + run));
          double download = activitySeconds(client, workflowId, "Download");
          double verify = activitySeconds(client, workflowId, "Verify");
          double curl = timeCurl(server.url(ARTIFACT));
          runs.add(new TimedRun(otaflow, download, verify, curl, timeOpenssl(sha256)));
        }
        stop(robot);
        FileTrees.deleteTree(robotDir);
        KillRun kill = killPercent == null ? null
            : killAndResume(client, temporal, server, release(server, sha256, "1.1.0"));
        return new Result(sizeBytes, Median.of(runs, TimedRun::otaflow), Median.of(runs, TimedRun::download),
            Median.of(runs, TimedRun::verify), runs.get(0).download(), Median.of(runs, TimedRun::curl),
            Median.of(runs, TimedRun::openssl), kill);
      } finally {
        robots.forEach(Process::destroyForcibly);
        factory.shutdownNow();
        service.shutdownNow();
      }
    }
  }

  private Release release(ArtifactServer server, String sha256, String version) {
    return new Release(version, server.url(ARTIFACT), sha256, sizeBytes, "bench download", null);
  }

  /** Each run is a new release: the robot's staging drops the one before, so every run downloads every byte. */
  private double timeOtaflow(WorkflowClient client, String workflowId, Release release) throws Exception {
    progress.println("otaflow download + verify of " + release.version());
    StagedArtifact[] staged = new StagedArtifact[1];
    double seconds = timed(() -> staged[0] = workflow(client, workflowId).downloadAndVerify(release));
    if (!staged[0].sha256().equals(release.sha256())) {
      throw new IllegalStateException("the robot staged " + staged[0].sha256() + ", expected " + release.sha256());
    }
    // Untimed, as curl's copy is: the next run must not pay for deleting this one's file.
    Files.delete(Path.of(staged[0].path()));
    return seconds;
  }

  /**
   * Waits until the robot's JVM is past its start-up (loading classes, compiling the SDK's code): using less than a
   * tenth of a core over half a second.
   */
  private static void awaitSettled(Process robot) throws InterruptedException {
    long[] lastCpuNanos = {cpuNanos(robot)};
    await("the bench robot to finish starting up", () -> {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
      long cpu = cpuNanos(robot);
      boolean settled = cpu - lastCpuNanos[0] < 50_000_000L;
      lastCpuNanos[0] = cpu;
      return settled;
    });
  }

  private static long cpuNanos(Process process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow(
        () -> new IllegalStateException("the CPU time of process " + process.pid() + " is not readable here"));
  }

  /** {@code curl -o} into the copy {@link #timeOpenssl} hashes then deletes. */
  private double timeCurl(String url) throws Exception {
    progress.println("curl -o, then openssl dgst -sha256");
    return timed(() -> runTool(List.of("curl", "-sS", "--fail", "-o", curlCopy().toString(), url)));
  }

  private double timeOpenssl(String sha256) throws Exception {
    String[] openssl = new String[1];
    double seconds = timed(() -> openssl[0] = runTool(List.of("openssl", "dgst", "-sha256", curlCopy().toString())));
    if (!openssl[0].strip().endsWith("= " + sha256)) {
      throw new IllegalStateException("openssl dgst -sha256 printed " + openssl[0].strip() + ", expected " + sha256);
    }
    Files.delete(curlCopy());
    return seconds;
  }

  private Path curlCopy() {
    return workDir.resolve("curl-" + ARTIFACT);
  }

  /**
   * Kills the robot's JVM with SIGKILL once the server has sent the share asked for, starts another on the same disk,
   * and lets Temporal retry the download (after the heartbeat timeout, as for a robot whose agent died).
   */
  private KillRun killAndResume(WorkflowClient client, EmbeddedTemporal temporal, ArtifactServer server,
                                Release release) throws Exception {
    Path robotDir = workDir.resolve("robot-killed");
    long servedEarlier = server.bytesServed(ARTIFACT);
    LongSupplier served = () -> server.bytesServed(ARTIFACT) - servedEarlier;
    Process first = startRobot("robot-killed-1", temporal, robotDir);
    DownloadBenchWorkflow stub = workflow(client, "bench-download-killed");
    WorkflowClient.start(stub::downloadAndVerify, release);
    long killAt = sizeBytes * killPercent / 100;
    await("the server to send " + killPercent + "% of the artifact", () -> served.getAsLong() >= killAt);
    first.destroyForcibly();
    first.waitFor(30, TimeUnit.SECONDS);
    long servedBeforeKill = server.bytesServedOnceSettled(ARTIFACT) - servedEarlier;
    progress.printf("killed the robot with kill -9 after %d bytes served; restarting it (Temporal retries the "
        + "download after its heartbeat timeout)%n", servedBeforeKill);
    startRobot("robot-killed-2", temporal, robotDir);
    StagedArtifact staged = WorkflowStub.fromTyped(stub).getResult(STEP_DEADLINE.toSeconds(), TimeUnit.SECONDS,
        StagedArtifact.class);
    if (!staged.sha256().equals(release.sha256())) {
      throw new IllegalStateException("the resumed robot staged " + staged.sha256() + ", expected "
          + release.sha256());
    }
    return new KillRun(killPercent, servedBeforeKill, served.getAsLong() - servedBeforeKill, sizeBytes);
  }

  /** How long the run's activity of {@code type} ran on the robot, by its started and completed events. */
  private static double activitySeconds(WorkflowClient client, String workflowId, String type) {
    Map<Long, String> types = new HashMap<>();
    Map<Long, Instant> started = new HashMap<>();
    for (HistoryEvent event : client.fetchHistory(workflowId).getEvents()) {
      if (event.hasActivityTaskScheduledEventAttributes()) {
        types.put(event.getEventId(), event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (event.hasActivityTaskStartedEventAttributes()) {
        started.put(event.getActivityTaskStartedEventAttributes().getScheduledEventId(), instant(event));
      } else if (event.hasActivityTaskCompletedEventAttributes()) {
        long scheduled = event.getActivityTaskCompletedEventAttributes().getScheduledEventId();
        if (type.equals(types.get(scheduled))) {
          return Duration.between(started.get(scheduled), instant(event)).toNanos() / 1e9;
        }
      }
    }
    throw new IllegalStateException("no completed " + type + " activity in " + workflowId);
  }

  private static Instant instant(HistoryEvent event) {
    return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }

  private DownloadBenchWorkflow workflow(WorkflowClient client, String run) {
    return client.newWorkflowStub(DownloadBenchWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(QUEUE)
        .setWorkflowId(run)
        .setWorkflowExecutionTimeout(STEP_DEADLINE.multipliedBy(2))
        .build());
  }

  /** The robot's JVM; returns once its worker polls. Its output goes to {@code <workDir>/<name>.log}. */
  private Process startRobot(String name, EmbeddedTemporal temporal, Path robotDir) throws Exception {
    Path log = workDir.resolve(name + ".log");
    Process robot = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), DownloadBenchRobot.class.getName(),
        temporal.target(), robotDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    robots.add(robot);
    await("the bench robot " + name + " to poll (log: " + log + ")", () -> {
      if (!robot.isAlive()) {
        throw new IllegalStateException("the bench robot " + name + " exited with " + robot.exitValue() + ", see "
            + log);
      }
      return readQuietly(log).contains(DownloadBenchRobot.READY);
    });
    return robot;
  }

  private static void stop(Process robot) throws InterruptedException {
    robot.destroy();
    if (!robot.waitFor(30, TimeUnit.SECONDS)) {
      robot.destroyForcibly();
    }
  }

  /** Runs a tool to completion; returns its standard output. */
  private String runTool(List<String> command) throws IOException, InterruptedException {
    Path out = workDir.resolve("tool.out");
    Process tool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!tool.waitFor(STEP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      tool.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish in " + STEP_DEADLINE);
    }
    String output = Files.readString(out);
    if (tool.exitValue() != 0) {
      throw new IllegalStateException(command.get(0) + " exited with " + tool.exitValue() + ": " + output.strip());
    }
    return output;
  }

  private void writeRandom(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom();
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = sizeBytes; left > 0; left -= block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long bits = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (bits >>> (8 * j));
          }
        }
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    // On disk before anything is timed: the kernel writing it back must not slow whichever side runs first.
    try (FileChannel written = FileChannel.open(file, StandardOpenOption.WRITE)) {
      written.force(true);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static double timed(Step step) throws Exception {
    long start = System.nanoTime();
    step.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + STEP_DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for " + what + " after " + STEP_DEADLINE);
      }
      Thread.sleep(20);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
