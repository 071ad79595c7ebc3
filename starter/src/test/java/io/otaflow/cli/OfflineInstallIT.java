package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.RolloutService;
import io.otaflow.devstack.ArtifactServer;
import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.release.ImageReference;
import io.otaflow.release.Release;
import io.otaflow.registry.AuditLog;
import io.otaflow.registry.AuditQuery;
import io.otaflow.registry.AuditRecord;
import io.otaflow.registry.RobotVersionHistory;
import io.otaflow.robot.ReleaseBundle;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.testtools.LocalImageRegistry;
import io.otaflow.testtools.PodmanService;
import io.otaflow.testtools.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The air-gapped path as a release manager and a field engineer take it, across processes: {@code otaflow release
 * export} writes the bundle from the control plane's REST API; {@code otaflow-agent install --bundle}, from the agent
 * distribution, installs it on a robot directory with no Temporal and no network (a tampered copy is refused first,
 * the slot untouched); once the robot's agent registers again, the control plane records both installs in the audit
 * trail and the committed one in the robot's version history.
 */
class OfflineInstallIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private ConfigurableApplicationContext controlPlane;
  private ArtifactServer artifacts;

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
    if (artifacts != null) {
      artifacts.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void exportedBundleInstallsOfflineAndIsReportedAtTheNextRegistration() throws Exception {
    int port = LocalPorts.free();
    String temporal = "127.0.0.1:" + port;
    processes.add(TestProcesses.temporalTestServer(dir, port));
    controlPlane = TestControlPlane.startWithApi(temporal, dir, Map.of());
    artifacts = ArtifactServer.start(Files.createDirectories(dir.resolve("artifacts")));
    BuiltArtifact factory = ReleaseArtifacts.build(dir.resolve("factory.tar.gz"), "1.0.0");
    Path robotDir = dir.resolve("robots").resolve("r1");
    RobotDisk disk = RobotDisk.seed(robotDir, factory.path(), "1.0.0");
    RobotSensors.healthy().write(robotDir);
    BuiltArtifact next = ReleaseArtifacts.build(artifacts.directory().resolve("otaflow-2.0.0.tar.gz"), "2.0.0");
    controlPlane.getBean(RolloutService.class).registerRelease(next.toRelease("2.0.0",
        artifacts.url("otaflow-2.0.0.tar.gz"), "offline"));

    Path bundle = dir.resolve("release-2.0.0.otaflow");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exported = Otaflow.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(
        "release", "export", "2.0.0", "--out", bundle.toString(), "--server", TestControlPlane.apiUrl(controlPlane),
        "--token-file", dir.resolve("control").resolve("admin-token").toString());
    assertThat(exported).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("Wrote " + bundle + ": release 2.0.0");

    Path tampered = dir.resolve("tampered.otaflow");
    byte[] bytes = Files.readAllBytes(bundle);
    bytes[bytes.length / 2] ^= 0x5a; // inside the artifact: the release record is the first 2 KB
    Files.write(tampered, bytes);
    String stateBefore = Files.readString(disk.stateFile());
    assertThat(install("install-tampered", robotDir, tampered)).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("install-tampered.log"))).contains("REFUSED: verify: sha256 mismatch");
    assertThat(Files.readString(disk.stateFile())).isEqualTo(stateBefore);

    assertThat(install("install", robotDir, bundle)).isZero();
    assertThat(Files.readString(dir.resolve("install.log"))).contains("COMMITTED: 2.0.0 committed");
    assertThat(disk.readState().installedVersion()).isEqualTo("2.0.0");

    processes.add(TestProcesses.agent(dir, "agent", "r1", temporal, robotDir));

    assertThat(controlPlane.getBean(RobotVersionHistory.class).of("r1")).singleElement().satisfies(change -> {
      assertThat(change.previousVersion()).isEqualTo("1.0.0");
      assertThat(change.version()).isEqualTo("2.0.0");
      assertThat(change.source()).isEqualTo(RobotVersionHistory.OFFLINE_INSTALL);
      assertThat(change.outcome()).isEqualTo("COMMITTED");
    });
    List<AuditRecord> audited = controlPlane.getBean(AuditLog.class).page(new AuditQuery(null, "robot:r1", null,
        null, 10));
    assertThat(audited).extracting(AuditRecord::result).containsExactlyInAnyOrder("REFUSED", "COMMITTED");
    assertThat(robotDir.resolve("offline-installs.json")).as("reported, so forgotten").doesNotExist();
    StringWriter shown = new StringWriter();
    assertThat(Otaflow.commandLine().setOut(new PrintWriter(shown)).execute("robots", "show", "r1", "--server",
        TestControlPlane.apiUrl(controlPlane), "--token-file", dir.resolve("control").resolve("admin-token")
            .toString())).isZero();
    assertThat(shown.toString()).containsPattern(" OFFLINE_INSTALL: 1\\.0\\.0 -> 2\\.0\\.0 \\(COMMITTED: 2\\.0\\.0 "
        + "committed after 2 healthy round\\(s\\) over 1\\.0 s\\)");
  }

  /**
   * An image release carried to a robot whose app runs as a container: exported from its registry as an OCI archive,
   * loaded into the robot's engine (Podman) by {@code otaflow-agent install}, which keeps its digest and moves the
   * app's tag; a bundle whose archive holds another image than its release names is refused, the tag untouched.
   */
  @Test
  void exportedImageBundleIsLoadedIntoTheEngineAndTaggedOffline() throws Exception {
    LocalImageRegistry registry = LocalImageRegistry.start(Files.createDirectories(dir.resolve("registry")));
    closing.add(registry);
    PodmanService podman = PodmanService.start(Files.createDirectories(dir.resolve("podman")), registry.host());
    closing.add(podman);
    int port = LocalPorts.free();
    processes.add(TestProcesses.temporalTestServer(dir, port));
    controlPlane = TestControlPlane.startWithApi("127.0.0.1:" + port, dir, Map.of());
    String repository = registry.host() + "/robots/perception";
    TestImages.Pushed v1 = TestImages.push(registry.host(), "robots/perception", "1.0.0", "perception 1.0.0");
    TestImages.Pushed v2 = TestImages.push(registry.host(), "robots/perception", "2.0.0", "perception 2.0.0");
    controlPlane.getBean(RolloutService.class).registerRelease(new Release("1.0.0", null,
        v1.digest().substring("sha256:".length()), v1.sizeBytes(), "", null, repository + "@" + v1.digest()));
    Path robotDir = dir.resolve("robots").resolve("r2");
    RobotSensors.healthy().write(robotDir);
    Path config = Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
        "dataDir: " + robotDir,
        "apps:",
        "  - name: perception",
        "    repository: " + repository,
        "    engine: " + podman.host(),
        ""));

    Path bundle = dir.resolve("release-1.0.0.otaflow");
    StringWriter err = new StringWriter();
    int exported = Otaflow.commandLine().setErr(new PrintWriter(err)).execute("release", "export", "1.0.0", "--out",
        bundle.toString(), "--insecure-registry", registry.host(), "--server", TestControlPlane.apiUrl(controlPlane),
        "--token-file", dir.resolve("control").resolve("admin-token").toString());
    assertThat(exported).as(err.toString()).isZero();

    Path mislabelled = dir.resolve("mislabelled.otaflow");
    Path otherImage = dir.resolve("other.oci.tar");
    OciImageArchive.write(new ImageRegistryClient(Map.of(), Set.of(registry.host()), Duration.ofSeconds(30)),
        ImageReference.parse(repository + "@" + v2.digest()), repository + ":other", otherImage, System.err);
    ReleaseBundle.writeImage(mislabelled, new Release("1.0.0", null, v1.digest().substring("sha256:".length()),
        v1.sizeBytes(), "", null, repository + "@" + v1.digest()), otherImage);
    assertThat(installWithConfig("install-mislabelled", config, mislabelled)).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("install-mislabelled.log"))).contains("REFUSED: verify: image "
        + repository + "@" + v1.digest() + " is not in the engine");

    assertThat(installWithConfig("install-image", config, bundle)).isZero();
    assertThat(Files.readString(dir.resolve("install-image.log"))).contains("COMMITTED: 1.0.0 committed");
    assertThat(podman.podman("image", "inspect", "--format", "{{.Digest}}", repository + ":current").strip())
        .isEqualTo(v1.digest());
    assertThat(new RobotDisk(robotDir).readState().app("perception").current()).isEqualTo(repository + "@"
        + v1.digest());
  }

  /** {@code otaflow-agent install} from the distribution on the robot directory; returns its exit code. */
  private int install(String name, Path robotDir, Path bundle) throws Exception {
    return install(name, bundle, "--data-dir", robotDir.toString());
  }

  /** {@code otaflow-agent install} with the robot's agent.yaml; returns its exit code. */
  private int installWithConfig(String name, Path config, Path bundle) throws Exception {
    return install(name, bundle, "--config", config.toString());
  }

  private int install(String name, Path bundle, String... robot) throws Exception {
    List<String> args = new ArrayList<>(List.of("install", "--bundle", bundle.toString(), "--health-checks", "2",
        "--soak", "1s"));
    args.addAll(List.of(robot));
    Process install = TestProcesses.agentDistribution(dir, name, Map.of(), args.toArray(String[]::new));
    assertThat(install.waitFor(2, TimeUnit.MINUTES)).as(name + " ended").isTrue();
    return install.exitValue();
  }
}
