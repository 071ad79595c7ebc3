package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent distribution as it ships to robots: what {@code otaflow-agent-*-dist.tar.gz} holds, and that its
 * {@code bin/otaflow-agent} runs. The launcher runs from the same tree unpacked by the build
 * ({@code otaflow.agent.distribution}, set by failsafe), which must hold exactly what the archive holds.
 */
class AgentDistributionIT {

  /** The archive's top directory, as robots unpack it under /opt. */
  private static final String TOP = "otaflow-agent/";

  /** Jar file names of what only the control plane, the dev stack and tests use. */
  private static final List<Pattern> NOT_FOR_ROBOTS = Stream.of(
      "spring-.*", // every org.springframework artifact is named spring-*
      "tomcat-.*",
      "h2-\\d.*",
      "jdbi3?-.*",
      "flyway-.*",
      "postgresql-\\d.*",
      "temporal-test-server-\\d.*",
      "temporal-testing-\\d.*",
      "otaflow-control-plane-\\d.*",
      "otaflow-registry-\\d.*",
      "otaflow-devstack-\\d.*").map(Pattern::compile).toList();

  private static final List<String> AGENT_NEEDS = List.of(
      "otaflow-agent", "otaflow-robot-activities", "otaflow-workflows", "temporal-sdk");

  private static Path distribution;
  /** Path under {@link #TOP} to mode, for the archive's regular files. */
  private static Map<String, Integer> archivedFiles;

  @TempDir
  Path temp;

  @BeforeAll
  static void readArchive() throws IOException {
    distribution = Path.of(System.getProperty("otaflow.agent.distribution"));
    // target/<finalName>-dist/otaflow-agent beside target/<finalName>-dist.tar.gz
    Path archive = distribution.getParent().resolveSibling(distribution.getParent().getFileName() + ".tar.gz");
    archivedFiles = new TreeMap<>();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
         TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        assertThat(entry.getName()).as("entry of " + archive).startsWith(TOP);
        if (entry.isFile()) {
          archivedFiles.put(entry.getName().substring(TOP.length()), entry.getMode());
        }
      }
    }
  }

  @Test
  void unpackedDistributionHoldsWhatTheArchiveHolds() throws IOException {
    try (Stream<Path> files = Files.walk(distribution)) {
      assertThat(files.filter(Files::isRegularFile).map(file -> distribution.relativize(file).toString()))
          .containsExactlyInAnyOrderElementsOf(archivedFiles.keySet());
    }
  }

  @Test
  void libHoldsTheAgentAndTheTemporalSdkButNothingOfTheControlPlane() {
    List<String> jars = archivedFiles.keySet().stream()
        .filter(path -> path.startsWith("lib/") && path.endsWith(".jar"))
        .map(path -> path.substring("lib/".length()))
        .toList();

    assertThat(jars.stream().filter(jar -> NOT_FOR_ROBOTS.stream().anyMatch(p -> p.matcher(jar).matches())))
        .as("jars in lib/ that robots must not get")
        .isEmpty();
    for (String artifact : AGENT_NEEDS) {
      assertThat(jars).as("lib/ has " + artifact)
          .anyMatch(jar -> jar.matches(Pattern.quote(artifact) + "-\\d.*\\.jar"));
    }
  }

  @Test
  void archiveHasAnExecutableLauncherTheConfigurationAndTheSystemdUnit() {
    assertThat(archivedFiles).containsKeys(
        "bin/otaflow-agent", "conf/logback.xml", "conf/agent.yaml.example", "systemd/otaflow-agent.service");
    assertThat(archivedFiles.get("bin/otaflow-agent") & 0111).as("execute bits of bin/otaflow-agent").isEqualTo(0111);
  }

  @Test
  void launcherPrintsUsage() throws Exception {
    Run help = launch("--help");

    assertThat(help.exitCode()).as(help.toString()).isZero();
    assertThat(help.stdout()).contains("Usage: otaflow-agent", "--robot-id");
  }

  /**
   * Reaching for Temporal loads the SDK and gRPC (Netty) from lib/, so this fails on a launcher class path that misses
   * them, with a NoClassDefFoundError instead of the agent's own one-line error.
   */
  @Test
  void launcherReportsUnreachableTemporalInOneLine() throws Exception {
    String address = "127.0.0.1:" + portNothingListensOn();

    Run run = launch("--robot-id", "r1", "--data-dir", temp.resolve("r1").toString(),
        "--temporal-address", address, "--register-timeout", "1");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.stderr().lines()).as(run.toString())
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("otaflow-agent: cannot reach Temporal at " + address + " (namespace default)");
    assertThat(run.stdout()).as("stack traces logged on stdout").doesNotContain("stack_trace", "\tat ");
  }

  private record Run(int exitCode, String stdout, String stderr) {
  }

  /** bin/otaflow-agent with this JVM's java, as a robot would run it from a shell. */
  private Run launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(distribution.resolve("bin/otaflow-agent").toString()));
    command.addAll(List.of(args));
    Path stdout = temp.resolve("stdout");
    Path stderr = temp.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The launcher passes JAVA_OPTS to java: one set for this build must not change what is tested.
    builder.environment().remove("JAVA_OPTS");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("otaflow-agent " + String.join(" ", args) + " ended")
          .isTrue();
    } finally {
      process.destroyForcibly();
    }
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private static int portNothingListensOn() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
