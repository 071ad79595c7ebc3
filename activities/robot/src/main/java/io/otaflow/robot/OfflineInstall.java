package io.otaflow.robot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A release installed from a bundle, on a robot with no network: the saga of an over-the-air update through the same
 * robot-side classes, an archive into the slots or an image loaded into the app's engine and tagged (verify: size,
 * hash, signature, expiry, downgrade rule, target labels; wait for a safe state; apply; the health gate over the soak
 * window; commit, or roll back), without Temporal. Refused while state.json shows
 * a rollout's update in progress. Each install is recorded in {@code offline-installs.json} beside state.json, which
 * the agent reports when it next registers with a control plane.
 */
public final class OfflineInstall {

  /** What became of an install, and the exit code {@code otaflow-agent install} ends with. */
  public enum Outcome {
    COMMITTED(0), REFUSED(1), ROLLED_BACK(2), ROLLBACK_FAILED(3);

    private final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /**
   * @param safeStateTimeout how long to wait for the robot to be safe to update before giving up (nothing changed)
   * @param healthChecks     rounds of health probes after apply, all of which must pass
   * @param soak             the window the rounds are spread over
   */
  public record Options(Duration safeStateTimeout, int healthChecks, Duration soak) {
    public Options {
      if (healthChecks < 1) {
        throw new IllegalArgumentException("health checks: at least 1, was " + healthChecks);
      }
    }
  }

  /**
   * One install as the robot reports it to the control plane.
   *
   * @param previousVersion the version installed before (null: none)
   * @param installedVersion the version installed after: the bundle's when committed, else the one kept
   */
  public record Record(String version, String previousVersion, String installedVersion, Outcome outcome,
                       String reason, Instant at) {
  }

  static final String RECORDS_FILE = "offline-installs.json";
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
  private static final Duration SAFE_STATE_POLL = Duration.ofSeconds(5);

  private final RobotDisk disk;
  private final DownloadActivities verifier;
  private final SlotActivities slots;
  /** The robot's container app's installer, or null on a robot whose releases are archives. */
  private final ContainerImageActivities images;
  private final SensorHealthActivities health;
  private final SafeStateActivities safety;
  private final Clock clock;
  private final PrintStream progress;

  /**
   * @param activities the robot-side activities built for {@code disk} ({@link RobotSideActivities#forRobot}), whose
   *                   verify, slots, health and safe-state checks the install runs
   */
  public OfflineInstall(RobotDisk disk, Object[] activities, Clock clock, PrintStream progress) {
    this.disk = disk;
    this.verifier = find(activities, DownloadActivities.class);
    this.slots = find(activities, SlotActivities.class);
    this.images = Arrays.stream(activities).filter(ContainerImageActivities.class::isInstance)
        .map(ContainerImageActivities.class::cast).findFirst().orElse(null);
    this.health = find(activities, SensorHealthActivities.class);
    this.safety = find(activities, SafeStateActivities.class);
    this.clock = clock;
    this.progress = progress;
  }

  /** Installs {@code bundle}; returns what became of it, recorded for the control plane. */
  public Record install(Path bundle, Options options) throws InterruptedException {
    RobotDiskState before = disk.readState();
    Record record = run(bundle, options, before);
    progress.println(record.outcome() + ": " + record.reason());
    appendRecord(record);
    return record;
  }

  private Record run(Path bundle, Options options, RobotDiskState before) throws InterruptedException {
    if (before.updatingRollout() != null) {
      return refused(null, before, "rollout " + before.updatingRollout() + "'s update is in progress on this robot ("
          + before.installedVersion() + " applied, not committed): it must commit or roll back first");
    }
    Path staging = disk.staging().resolve("bundle.part");
    ReleaseBundle.Opened opened;
    try {
      opened = ReleaseBundle.open(bundle, staging);
    } catch (IllegalArgumentException e) {
      deleteQuietly(staging);
      return refused(null, before, e.getMessage());
    }
    Release release = opened.release();
    StagedArtifact artifact;
    try {
      artifact = stage(release, staging, opened);
    } catch (ApplicationFailure | IOException refused) {
      deleteQuietly(staging);
      return refused(release, before, refused instanceof ApplicationFailure failure ? failure.getOriginalMessage()
          : "cannot stage " + release.version() + ": " + refused.getMessage());
    }
    progress.println("bundle " + bundle.getFileName() + ": release " + release.version() + ", "
        + (release.hasImage() ? "image " + release.image() + " loaded" : opened.artifactBytes() + " bytes"));
    Path staged = release.hasImage() ? staging : Path.of(artifact.path());
    try {
      verifier.verify(release, artifact);
    } catch (ApplicationFailure refused) {
      deleteQuietly(staged);
      return refused(release, before, refused.getOriginalMessage());
    }
    progress.println("verified: sha256 " + artifact.sha256().substring(0, 12) + "..., "
        + (release.signedManifest() == null ? "unsigned (this robot trusts no key)" : "signature checked"));
    Optional<String> unsafe = awaitSafeState(options.safeStateTimeout());
    if (unsafe.isPresent()) {
      deleteQuietly(staged);
      return refused(release, before, "not safe to update within " + options.safeStateTimeout().toSeconds() + " s: "
          + unsafe.get());
    }
    try {
      slots.apply(release, artifact);
    } catch (ApplicationFailure refused) {
      return refused(release, before, refused.getOriginalMessage());
    }
    deleteQuietly(staging);
    progress.println("applied: " + release.version() + (release.hasImage() ? " tagged for its app"
        : " active in slot " + disk.readState().activeSlot()));
    Optional<String> unhealthy = healthGate(release, options);
    if (unhealthy.isEmpty()) {
      slots.commit(release);
      return record(release, before, Outcome.COMMITTED, release.version() + " committed after "
          + options.healthChecks() + " healthy round(s) over " + options.soak().toMillis() / 1000.0 + " s");
    }
    progress.println("unhealthy: " + unhealthy.get() + "; rolling back");
    try {
      String running = slots.rollback(release);
      return record(release, before, Outcome.ROLLED_BACK, "unhealthy on " + release.version() + ": "
          + unhealthy.get() + "; rolled back to " + running);
    } catch (ApplicationFailure failed) {
      return record(release, before, Outcome.ROLLBACK_FAILED, "unhealthy on " + release.version() + ": "
          + unhealthy.get() + "; " + failed.getOriginalMessage());
    }
  }

  /**
   * Where the verify step finds the bundle's artifact: an archive moved to the robot's staging as a download leaves
   * it; an image loaded into the container engine (an archive for an image robot, or the reverse, is refused as an
   * over-the-air one is).
   */
  private StagedArtifact stage(Release release, Path extracted, ReleaseBundle.Opened opened) throws IOException {
    if (release.hasImage()) {
      if (images == null) {
        throw ApplicationFailure.newNonRetryableFailure("load: release " + release.version() + " is a container "
            + "image (" + release.image() + "); this robot installs archives only (no container app in its "
            + "agent.yaml)", RobotSideErrors.UNSUPPORTED_ARTIFACT);
      }
      return images.load(release, extracted);
    }
    Path staged = disk.stagedArtifact(release.version());
    Files.move(extracted, staged, StandardCopyOption.REPLACE_EXISTING);
    return new StagedArtifact(staged.toString(), opened.artifactSha256(), opened.artifactBytes());
  }

  private Optional<String> awaitSafeState(Duration timeout) throws InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    Optional<String> reason = safety.notSafeBecause();
    while (reason.isPresent() && clock.instant().isBefore(deadline)) {
      progress.println("waiting for a safe state: " + reason.get());
      Thread.sleep(SAFE_STATE_POLL.toMillis());
      reason = safety.notSafeBecause();
    }
    return reason;
  }

  /** The rounds spread evenly over the soak window, the first at once; the first failing round ends it. */
  private Optional<String> healthGate(Release release, Options options) throws InterruptedException {
    Duration between = options.healthChecks() == 1 ? Duration.ZERO
        : options.soak().dividedBy(options.healthChecks() - 1);
    for (int round = 1; round <= options.healthChecks(); round++) {
      if (round > 1) {
        Thread.sleep(between.toMillis());
      }
      HealthReport report = health.check(release);
      if (!report.healthy()) {
        return Optional.of(report.failure().orElse("unhealthy"));
      }
      progress.println("health round " + round + "/" + options.healthChecks() + ": healthy");
    }
    return Optional.empty();
  }

  private Record refused(Release release, RobotDiskState before, String why) {
    return record(release, before, Outcome.REFUSED, why);
  }

  private Record record(Release release, RobotDiskState before, Outcome outcome, String reason) {
    return new Record(release == null ? null : release.version(), before.installedVersion(),
        disk.readState().installedVersion(), outcome, reason, clock.instant());
  }

  /** The installs not yet reported to a control plane, oldest first. */
  public static List<Record> unreported(RobotDisk disk) {
    Path file = disk.dir().resolve(RECORDS_FILE);
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<List<Record>>() { });
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + disk.dir() + ": cannot read " + file, e);
    }
  }

  /** Forgets {@code reported}, now the control plane has them; installs recorded meanwhile stay. */
  public static synchronized void markReported(RobotDisk disk, List<Record> reported) {
    List<Record> left = new ArrayList<>(unreported(disk));
    left.removeAll(reported);
    write(disk, left);
  }

  private synchronized void appendRecord(Record record) {
    List<Record> all = new ArrayList<>(unreported(disk));
    all.add(record);
    write(disk, all);
  }

  private static void write(RobotDisk disk, List<Record> records) {
    Path file = disk.dir().resolve(RECORDS_FILE);
    Path tmp = disk.dir().resolve(RECORDS_FILE + ".tmp");
    try {
      if (records.isEmpty()) {
        Files.deleteIfExists(file);
        return;
      }
      Files.write(tmp, JSON.writeValueAsBytes(records));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + disk.dir() + ": cannot write " + file, e);
    }
  }

  private static <T> T find(Object[] activities, Class<T> type) {
    for (Object activity : activities) {
      if (type.isInstance(activity)) {
        return type.cast(activity);
      }
    }
    throw new IllegalArgumentException("offline install: this robot has no " + type.getSimpleName());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // litter in staging, removed by the next download
    }
  }
}
