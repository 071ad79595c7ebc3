package io.otaflow.testtools;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code podman system service}: Podman's Docker-compatible API on a Unix socket in the test's directory, as a robot's
 * container engine, with its own image store there (the machine's images are neither seen nor touched) and the given
 * loopback registries marked insecure (plain HTTP) in its {@code registries.conf}. Containers cannot run in this
 * sandbox; pull, tag, inspect and remove can.
 */
public final class PodmanService implements AutoCloseable {

  private final Path podman;
  private final Path dir;
  private final Path socket;
  private final Process process;

  private PodmanService(Path dir, List<String> insecureRegistries) throws IOException, InterruptedException {
    this.podman = ToolsOnPath.require("podman", "podman");
    this.dir = dir;
    this.socket = dir.resolve("podman.sock");
    StringBuilder registries = new StringBuilder();
    for (String registry : insecureRegistries) {
      registries.append("[[registry]]\nlocation = \"").append(registry).append("\"\ninsecure = true\n\n");
    }
    Files.writeString(dir.resolve("registries.conf"), registries.toString());
    List<String> command = new ArrayList<>(storeOptions());
    command.addAll(List.of("system", "service", "--time=0", "unix://" + socket));
    ProcessBuilder service = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("podman-service.log").toFile());
    service.environment().put("CONTAINERS_REGISTRIES_CONF", dir.resolve("registries.conf").toString());
    process = service.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    awaitSocket();
  }

  /** Starts the service under {@code dir}, trusting {@code insecureRegistries} (host:port) over plain HTTP. */
  public static PodmanService start(Path dir, String... insecureRegistries) throws IOException, InterruptedException {
    return new PodmanService(dir, List.of(insecureRegistries));
  }

  /** {@code unix:///.../podman.sock}: the engine address a robot's agent.yaml names. */
  public String host() {
    return "unix://" + socket;
  }

  /**
   * Runs the podman command line on the same image store ({@code podman images}, say), returning what it printed;
   * fails the test when it exits non-zero.
   */
  public String podman(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(storeOptions());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CONTAINERS_REGISTRIES_CONF", dir.resolve("registries.conf").toString());
    Process run = builder.start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!run.waitFor(2, TimeUnit.MINUTES) || run.exitValue() != 0) {
      fail("podman " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  /**
   * The podman command line on this service's store, for a shell command (a robot's health probe in a test): the
   * test's paths hold no spaces.
   */
  public String commandLine() {
    return String.join(" ", storeOptions());
  }

  /** Its own store under the test's directory; vfs, the storage driver that needs nothing from the kernel. */
  private List<String> storeOptions() {
    return List.of(podman.toString(), "--root", dir.resolve("store").toString(), "--runroot",
        dir.resolve("run").toString(), "--storage-driver", "vfs");
  }

  private void awaitSocket() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        fail("podman system service exited: " + Files.readString(dir.resolve("podman-service.log")));
      }
      try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        channel.connect(UnixDomainSocketAddress.of(socket));
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    fail("podman system service did not listen on " + socket + " within 30 s");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
