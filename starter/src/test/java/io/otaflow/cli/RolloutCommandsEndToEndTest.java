package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.agent.AgentConfig;
import io.otaflow.agent.RobotAgent;
import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.registry.RobotRepository;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.signing.ManifestSigner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A release manager's whole path through the CLI against a running control plane (REST on a free port) and one robot
 * agent, all connected by address: keys generate, release sign, release publish --manifest, rollout start --watch;
 * then releases the control plane signs itself (--signing-key) with increasing release numbers, which the robot
 * accepts because it trusts that key too.
 */
class RolloutCommandsEndToEndTest {

  private static final String PLAN = """
      stages:
        - name: canary
          count: 1
          bakeTime: PT0S
          minHealthy: 1.0
      maxParallel: 1
      robotTimeout: PT30S
      healthChecks: 1
      healthSoak: PT0.2S
      """;

  @TempDir
  Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  @Test
  void publishSignedReleaseAndRollItOutThroughTheCli() throws Exception {
    Logging.toFile(dir.resolve("otaflow.log"));
    Path keys = dir.resolve("trusted-keys");
    assertThat(otaflow("keys", "generate", "--out", keys.toString(), "--name", "release")).as(err.toString()).isZero();
    assertThat(otaflow("keys", "generate", "--out", keys.toString(), "--name", "server")).as(err.toString()).isZero();

    try (EmbeddedTemporal temporal = EmbeddedTemporal.start();
         ConfigurableApplicationContext controlPlane = ControlPlaneApplication.start(Map.of(
             "spring.temporal.connection.target", temporal.target(),
             "otaflow.temporal.test-server", "true",
             "otaflow.data-dir", dir.resolve("control").toString(),
             "otaflow.signing.key-file", keys.resolve("server.key").toString(),
             "server.port", "0"));
         ArtifactServer artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")))) {
      String server = "http://127.0.0.1:" + ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
      BuiltArtifact factory = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-0.9.0.tar.gz"), "0.9.0");
      Path robotDir = dir.resolve("robots").resolve("r1");
      RobotDisk.seed(robotDir, factory.path(), "0.9.0");
      RobotSensors.healthy().write(robotDir);
      Path plan = Files.writeString(dir.resolve("plan.yaml"), PLAN);

      try (RobotAgent agent = RobotAgent.start(AgentConfig.parse("""
          robotId: r1
          labels: {site: lyon}
          dataDir: %s
          temporal: {address: "%s"}
          trustedKeysDir: %s
          """.formatted(robotDir, temporal.target(), keys)), Duration.ofSeconds(30))) {
        assertThat(otaflow("robots", "--server", server)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("r1").contains("0.9.0").contains("site=lyon");

        // A manifest signed offline, attached at publish.
        BuiltArtifact first = release(artifacts, "1.0.0");
        Path manifest = dir.resolve("manifest-1.0.0.json");
        assertThat(otaflow("release", "sign", "--key", keys.resolve("release.key").toString(), "--version", "1.0.0",
            "--artifact", first.path().toString(), "--release-number", "5", "--out", manifest.toString()))
            .as(err.toString()).isZero();
        assertThat(otaflow("release", "publish", "--server", server, "--manifest", manifest.toString(),
            "--artifact-url", artifacts.url(first.path().getFileName().toString()))).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Registered release 1.0.0 (release number 5, signed by key "
            + keyId(keys.resolve("release.pub")) + ")");

        assertThat(otaflow("rollout", "start", "--server", server, "--id", "cli-1", "--release", "1.0.0",
            "--plan", plan.toString(), "--all", "--watch")).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("rollout cli-1 (release 1.0.0): SUCCEEDED");
        assertThat(new RobotDisk(robotDir).readState())
            .extracting(RobotDiskState::installedVersion, RobotDiskState::releaseNumber)
            .containsExactly("1.0.0", 5L);

        // Releases published without a manifest: the control plane signs them, numbering on from 5.
        BuiltArtifact second = release(artifacts, "2.0.0");
        assertThat(publishUnsigned(server, artifacts, second, "2.0.0")).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Registered release 2.0.0 (release number 6, signed by key "
            + keyId(keys.resolve("server.pub")) + ")");
        assertThat(publishUnsigned(server, artifacts, release(artifacts, "2.1.0"), "2.1.0")).isZero();
        assertThat(out.toString()).startsWith("Registered release 2.1.0 (release number 7,");

        assertThat(otaflow("rollout", "start", "--server", server, "--id", "cli-2", "--release", "2.0.0",
            "--plan", plan.toString(), "--robot", "r1", "--watch")).as(out + "\n" + err).isZero();
        assertThat(new RobotDisk(robotDir).readState())
            .extracting(RobotDiskState::installedVersion, RobotDiskState::releaseNumber)
            .containsExactly("2.0.0", 6L);
        assertThat(controlPlane.getBean(RobotRepository.class).robot("r1").orElseThrow().installedVersion())
            .isEqualTo("2.0.0");

        // Server errors come back as the server's message, with a non-zero exit code.
        assertThat(otaflow("rollout", "start", "--server", server, "--id", "cli-2", "--release", "2.0.0",
            "--plan", plan.toString(), "--all")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("otaflow: rollout cli-2 already exists" + System.lineSeparator());
        assertThat(otaflow("rollout", "pause", "cli-2", "--server", server, "--operator", "ana", "--reason", "x"))
            .isEqualTo(1);
        assertThat(err.toString()).contains("otaflow: cannot pause: rollout already ended SUCCEEDED");
        assertThat(otaflow("rollout", "status", "cli-1", "--server", server)).isZero();
        assertThat(out.toString()).contains("rollout cli-1 (release 1.0.0): SUCCEEDED");
      }
    }
  }

  @Test
  void unreachableControlPlaneIsNamed() throws Exception {
    String server = "http://127.0.0.1:" + LocalPorts.free();

    assertThat(otaflow("rollout", "status", "any", "--server", server)).isEqualTo(1);

    assertThat(err.toString()).contains("otaflow: cannot reach the otaflow control plane at " + server
        + ": is `otaflow server` running?");
  }

  private int publishUnsigned(String server, ArtifactServer artifacts, BuiltArtifact artifact, String version) {
    return otaflow("release", "publish", "--server", server, "--version", version, "--artifact",
        artifact.path().toString(), "--artifact-url", artifacts.url(artifact.path().getFileName().toString()));
  }

  private static BuiltArtifact release(ArtifactServer artifacts, String version) {
    return ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-" + version + ".tar.gz"), version);
  }

  private static String keyId(Path publicKey) {
    return ManifestSigner.keyId(ManifestSigner.readPublicKey(publicKey));
  }

  private int otaflow(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Otaflow.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }
}
