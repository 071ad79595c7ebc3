package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.RolloutService;
import io.otaflow.devstack.LocalPorts;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RolloutRobotRecord;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.release.Release;
import io.otaflow.robot.ContainerEngine;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.RobotSensors;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.testtools.LocalImageRegistry;
import io.otaflow.testtools.PodmanService;
import io.otaflow.testtools.TestImages;
import io.otaflow.testtools.ThrottledProxy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Image releases rolled out across real processes: Temporal's test server and the robot's agent (from its
 * distribution, its agent.yaml naming a containerized app) each in a JVM of its own, Podman's API service as the
 * robot's engine, Debian's docker-registry; the control plane in this JVM. The app's tag moves to each release and
 * back on rollback; a pull cut short by {@code kill -9} of the agent is retried and the rollout completes.
 */
class ImageRolloutIT {

  private static final RolloutPlan PLAN = new RolloutPlan(List.of(StagePlan.canary("canary", 1, Duration.ZERO, 1.0)),
      1, Duration.ofMinutes(3), 1, Duration.ofMillis(200));
  private static final String APP = "perception";

  // Kept when the test fails: the agents', podman's and the test server's logs are in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path logDir;

  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private String target;
  private LocalImageRegistry registry;
  private ConfigurableApplicationContext controlPlane;
  private RolloutService rollouts;
  private Path robotDir;

  @BeforeAll
  static void logToFile() {
    Logging.takeOver();
    Logging.toFile(logDir.resolve("otaflow.log"));
  }

  @BeforeEach
  void startRegistryTemporalAndControlPlane() throws Exception {
    registry = closeLater(LocalImageRegistry.start(Files.createDirectories(dir.resolve("registry"))));
    int port = LocalPorts.free();
    target = "127.0.0.1:" + port;
    processes.add(TestProcesses.temporalTestServer(dir, port));
    controlPlane = TestControlPlane.start(target, dir);
    rollouts = controlPlane.getBean(RolloutService.class);
    robotDir = dir.resolve("robots").resolve("r1");
    RobotSensors.healthy().write(robotDir);
  }

  @AfterEach
  void stopEverything() throws Exception {
    TestProcesses.killAll(processes);
    if (controlPlane != null) {
      controlPlane.close();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void rolloutTagsTheAppsImageAndAnUnhealthyReleaseIsRolledBackToThePreviousDigest() throws Exception {
    PodmanService podman = closeLater(PodmanService.start(Files.createDirectories(dir.resolve("podman")),
        registry.host()));
    String repository = registry.host() + "/robots/perception";
    Release v1 = register("1.0.0", repository, TestImages.push(registry.host(), "robots/perception", "1.0.0",
        "perception 1.0.0"));
    Release v2 = register("2.0.0", repository, TestImages.push(registry.host(), "robots/perception", "2.0.0",
        "perception 2.0.0"));
    // The app's health: unhealthy while its tag names 2.0.0's image (the stand-in for a crashing container).
    startAgent("agent-1", agentYaml(podman, repository, "! " + podman.commandLine() + " image inspect --format "
        + "'{{.Digest}}' " + repository + ":current | grep -q " + digestOf(v2)));

    RolloutProgress first = await("image-1", v1);

    assertThat(first.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(tagged(podman, repository)).isEqualTo(digestOf(v1));
    assertThat(state().installedVersion()).isEqualTo("1.0.0");

    RolloutProgress second = await("image-2", v2);

    assertThat(second.status()).as(second.reason()).isIn(RolloutStatus.FAILED, RolloutStatus.ROLLED_BACK);
    assertThat(tagged(podman, repository)).as("the tag is back on 1.0.0's image").isEqualTo(digestOf(v1));
    assertThat(state().installedVersion()).isEqualTo("1.0.0");
    assertThat(state().app(APP)).isEqualTo(new RobotDiskState.AppImages(v1.image(), null));
    assertThat(Files.readAllLines(dir.resolve("hooks.log"))).containsExactly("restart", "restart", "restart");
  }

  @Test
  void agentKilledDuringAPullOfALargeLayerPullsAgainAndTheRolloutCompletes() throws Exception {
    byte[] layer = new byte[48 * 1024 * 1024];
    new Random(13).nextBytes(layer);
    TestImages.Pushed pushed = TestImages.push(registry.host(), "robots/perception", "1.0.0", layer);
    // About 12 s for the layer: long enough to kill the agent in the middle.
    ThrottledProxy slow = closeLater(ThrottledProxy.start(registry.host(), 4L * 1024 * 1024));
    PodmanService podman = closeLater(PodmanService.start(Files.createDirectories(dir.resolve("podman")),
        slow.host()));
    String repository = slow.host() + "/robots/perception";
    Release v1 = register("1.0.0", repository, pushed);
    Process agent = startAgent("agent-1", agentYaml(podman, repository, "true"));

    rollouts.startRollout("image-crash", "1.0.0", PLAN, TargetSelector.wholeFleet(), "test");
    TestProcesses.waitFor("a fifth of the layer pulled", Duration.ofSeconds(90),
        () -> slow.bytesForwarded() > layer.length / 5);
    agent.destroyForcibly();
    assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long pulledAtKill = slow.bytesForwarded();
    startAgent("agent-2", agentYaml(podman, repository, "true"));
    RolloutProgress result = new RolloutWatcher(rollouts::progress, null).await("image-crash",
        Duration.ofMinutes(5));

    System.out.printf("image crash: layer %d bytes; through the registry at the kill %d, in all %d (%.2fx)%n",
        layer.length, pulledAtKill, slow.bytesForwarded(), (double) slow.bytesForwarded() / layer.length);
    assertThat(result.status()).as(result.reason()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(tagged(podman, repository)).isEqualTo(digestOf(v1));
    try (ContainerEngine engine = new ContainerEngine(new ContainerEngine.Connection(podman.host(), null, null))) {
      assertThat(engine.images(repository)).as("one image, pulled once into the engine").hasSize(1);
    }
    assertThat(state().installedVersion()).isEqualTo("1.0.0");
    assertThat(slow.bytesForwarded()).as("at most the layer twice over").isLessThan(2L * layer.length + 1_000_000);
  }

  /**
   * A registry that went away after the release was published: each pull fails and is retried (the download's five
   * attempts), then the robot ends FAILED with the engine's reason, nothing applied, and the rollout stops.
   */
  @Test
  void unreachableRegistryIsRetriedThenFailsTheRobotWithTheReason() throws Exception {
    TestImages.Pushed pushed = TestImages.push(registry.host(), "robots/perception", "1.0.0", "perception 1.0.0");
    ThrottledProxy doomed = ThrottledProxy.start(registry.host(), Long.MAX_VALUE);
    PodmanService podman = closeLater(PodmanService.start(Files.createDirectories(dir.resolve("podman")),
        doomed.host()));
    String repository = doomed.host() + "/robots/perception";
    Release v1 = register("1.0.0", repository, pushed);
    doomed.close(); // nothing listens there any more
    startAgent("agent-1", agentYaml(podman, repository, "true"));

    RolloutProgress result = await("image-gone", v1);

    assertThat(result.status()).as(result.reason()).isEqualTo(RolloutStatus.FAILED);
    RolloutRobotRecord robot = controlPlane.getBean(RolloutRobotRepository.class).robots("image-gone", List.of(),
        null, 10).get(0);
    assertThat(robot.state()).isEqualTo(RobotUpdateState.FAILED);
    assertThat(robot.reason()).contains("download: pulling " + v1.image() + " failed: ");
    assertThat(downloadAttempts(OtaflowNames.robotWorkflowId("image-gone", "r1"))).as("the download's attempts")
        .isEqualTo(5);
    assertThat(state().installedVersion()).isNull();
  }

  /** The attempt that ended the robot's download step, from its history (Temporal records that one's start). */
  private int downloadAttempts(String workflowId) {
    Set<Long> downloads = new HashSet<>();
    for (HistoryEvent event : controlPlane.getBean(WorkflowClient.class).fetchHistory(workflowId).getEvents()) {
      if (event.hasActivityTaskScheduledEventAttributes()
          && event.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("Download")) {
        downloads.add(event.getEventId());
      }
      if (event.hasActivityTaskStartedEventAttributes()
          && downloads.contains(event.getActivityTaskStartedEventAttributes().getScheduledEventId())) {
        return event.getActivityTaskStartedEventAttributes().getAttempt();
      }
    }
    throw new AssertionError("no download started in " + workflowId);
  }

  /** agent.yaml of a robot whose app runs {@code repository:current}, with one health command. */
  private Path agentYaml(PodmanService podman, String repository, String healthCommand) throws Exception {
    return Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
        "apps:",
        "  - name: " + APP,
        "    repository: " + repository,
        "    engine: " + podman.host(),
        "    hooks:",
        "      afterSwitch:",
        "        - \"echo restart >> " + dir.resolve("hooks.log") + "\"",
        "    health:",
        "      commands:",
        "        - name: " + APP,
        "          command: \"" + healthCommand.replace("\"", "\\\"") + "\"",
        ""));
  }

  private Process startAgent(String name, Path config) throws Exception {
    Process agent = TestProcesses.agent(dir, name, "r1", target, robotDir, "--config", config.toString());
    processes.add(agent);
    return agent;
  }

  private Release register(String version, String repository, TestImages.Pushed image) {
    return rollouts.registerRelease(new Release(version, null, image.digest().substring("sha256:".length()),
        image.sizeBytes(), "", null, repository + "@" + image.digest()));
  }

  private RolloutProgress await(String rolloutId, Release release) throws Exception {
    rollouts.startRollout(rolloutId, release.version(), PLAN, TargetSelector.wholeFleet(), "test");
    return new RolloutWatcher(rollouts::progress, null).await(rolloutId, Duration.ofMinutes(4));
  }

  private RobotDiskState state() {
    return new RobotDisk(robotDir).readState();
  }

  private static String tagged(PodmanService podman, String repository) throws Exception {
    return podman.podman("image", "inspect", "--format", "{{.Digest}}", repository + ":current").strip();
  }

  private static String digestOf(Release release) {
    return release.image().substring(release.image().indexOf('@') + 1);
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    closing.add(resource);
    return resource;
  }
}
