package io.otaflow.robot;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otaflow.release.ImageReference;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.SlotSwitch;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga's robot-side steps for a robot whose software runs as a container ({@link ContainerApp}): download pulls
 * the release's image by digest through the robot's container engine; verify checks the engine holds it under that
 * digest and the signed manifest; apply moves the app's tag to it (the previous image recorded in state.json);
 * rollback moves the tag back; commit prunes images beyond the app's keep count. The versions, the rollout lease and
 * the crash rules are state.json's, as for slots ({@link DiskSlotActivities}): every step is safe to retry, and a
 * retried apply or rollback first puts the tag where state.json says it is.
 */
public class ContainerImageActivities implements DownloadActivities, SlotActivities {

  private static final Logger log = LoggerFactory.getLogger(ContainerImageActivities.class);
  /** What {@link SlotSwitch} names as the image left when the app's tag named none. */
  static final String NO_IMAGE = "none";

  private final RobotDisk disk;
  private final ContainerApp app;
  private final ContainerEngine engine;
  private final ReleaseManifestCheck manifestCheck;
  private final ApplyHooks hooks;
  private final Function<String, HealthReport> probeRound;
  private final MeterRegistry registry;

  /**
   * @param disk       the robot's data directory: state.json (versions, the lease, the app's images)
   * @param hooks      kill switch and the commands around a tag move (restarting the app's unit)
   * @param probeRound one round of the robot's health probes, given the version that should be running
   */
  public ContainerImageActivities(RobotDisk disk, ContainerApp app, ContainerEngine engine,
                                  ReleaseManifestCheck manifestCheck, ApplyHooks hooks,
                                  Function<String, HealthReport> probeRound, MeterRegistry registry) {
    this.disk = disk;
    this.app = app;
    this.engine = engine;
    this.manifestCheck = manifestCheck;
    this.hooks = hooks;
    this.probeRound = probeRound;
    this.registry = registry;
  }

  /** Heartbeat details of a pull: shown to people in the Temporal Web UI. */
  public record PullHeartbeat(String image, int layersDone, int layers, int percent) {
  }

  @Override
  public StagedArtifact download(Release release) {
    ImageReference image = requireAppImage("download", release);
    UpdatingRollout.requireNoOther("download", disk.readState(), UpdatingRollout.ofCurrentStep());
    return timed("otaflow.agent.download.duration", () -> {
      // Found by digest under another repository's name is not enough: the pull adds this name, which verify checks.
      if (engine("download", () -> engine.inspect(release.image())).filter(held -> held.repoDigests()
          .contains(release.image())).isPresent()) {
        log.info("robot {}: {} already in the engine as {}", disk.dir(), release.version(), release.image());
      } else {
        pull(release, image);
      }
      return new StagedArtifact(release.image(), image.digestHex(), release.sizeBytes());
    });
  }

  private void pull(Release release, ImageReference image) {
    AtomicReference<ContainerEngine.PullProgress> latest = new AtomicReference<>(
        new ContainerEngine.PullProgress(0, 0, 0, 0));
    ActivityKeepAlive.during(() -> new PullHeartbeat(release.image(), latest.get().layersDone(),
        latest.get().layers(), latest.get().percent()), () -> engine("download", () -> {
          try {
            engine.pull(image, latest::set);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApplicationFailure.newFailure("download: interrupted while pulling " + release.image(),
                RobotSideErrors.DOWNLOAD_FAILED);
          } catch (ContainerEngine.PullFailedException | NotFoundException e) {
            throw pullRefused(release, e.getMessage());
          }
          return null;
        }));
    log.info("robot {}: pulled {} for {} ({} layers) through {}", disk.dir(), release.image(), release.version(),
        latest.get().layers(), engine.host());
  }

  /**
   * A registry that answers but has no such manifest will not grow one: non-retryable. Anything else (registry or
   * network down, engine busy) is worth retrying.
   */
  private static ApplicationFailure pullRefused(Release release, String engineMessage) {
    String message = "download: pulling " + release.image() + " failed: " + RobotSideErrors.firstLine(engineMessage);
    String lower = String.valueOf(engineMessage).toLowerCase(Locale.ROOT);
    if (lower.contains("manifest unknown") || lower.contains("not found") || lower.contains("unknown manifest")) {
      return ApplicationFailure.newNonRetryableFailure(message + " (the registry does not have this digest)",
          RobotErrors.CHECKSUM_MISMATCH);
    }
    return ApplicationFailure.newFailure(message, RobotSideErrors.DOWNLOAD_FAILED);
  }

  /**
   * The download of an install from a bundle: loads the image's OCI archive into the engine. What verify then checks
   * is the same: the engine holds the image under the release's digest, and the signed manifest vouches for it.
   */
  public StagedArtifact load(Release release, Path ociArchive) {
    ImageReference image = requireAppImage("load", release);
    engine("load", () -> {
      try {
        engine.load(ociArchive);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    });
    log.info("robot {}: loaded {} for {} from {}", disk.dir(), release.image(), release.version(), ociArchive);
    return new StagedArtifact(release.image(), image.digestHex(), release.sizeBytes());
  }

  @Override
  public void verify(Release release, StagedArtifact artifact) {
    ImageReference image = requireAppImage("verify", release);
    ContainerEngine.EngineImage pulled = engine("verify", () -> engine.inspect(release.image())).orElseThrow(() ->
        ApplicationFailure.newNonRetryableFailure("verify: image " + release.image() + " is not in the engine",
            RobotSideErrors.ARTIFACT_MISSING));
    if (!pulled.repoDigests().contains(release.image())) {
      throw ApplicationFailure.newNonRetryableFailure("verify: the engine's image " + pulled.id() + " is named "
          + pulled.repoDigests() + ", not " + release.image(), RobotErrors.CHECKSUM_MISMATCH);
    }
    manifestCheck.check(release, image.digestHex(), disk.readState());
    log.info("robot {}: {} verified ({} in the engine)", disk.dir(), release.version(), release.image());
  }

  @Override
  public SlotSwitch apply(Release release, StagedArtifact artifact) {
    requireAppImage("apply", release);
    return timed("otaflow.agent.apply.duration", () -> ActivityKeepAlive.during(() -> moveTag(release)));
  }

  private SlotSwitch moveTag(Release release) {
    synchronized (disk) {
      RobotDiskState state = disk.readState();
      Optional<String> rollout = UpdatingRollout.ofCurrentStep();
      UpdatingRollout.requireNoOther("apply", state, rollout);
      state = adoptTaggedImage(state);
      alignTagWith(state);
      if (release.version().equals(state.installedVersion())) {
        log.info("robot {}: {} is already tagged {} ({})", disk.dir(), release.version(), app.taggedImage(),
            state.app(app.name()).current());
        return sameSwitch(state);
      }
      Optional<String> killSwitch = hooks.killSwitchOn();
      if (killSwitch.isPresent()) {
        throw ApplicationFailure.newNonRetryableFailure("apply: " + killSwitch.get(), RobotSideErrors.KILL_SWITCH);
      }
      if (engine("apply", () -> engine.inspect(release.image())).isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("apply: image " + release.image()
            + " is no longer in the engine (removed after verify)", RobotSideErrors.ARTIFACT_MISSING);
      }
      RobotDiskState before = state;
      String previous = before.app(app.name()).current();
      hooks.run(hooks.beforeSwitch()).ifPresent(failure -> {
        hooks.restartServices(disk.dir(), before.installedVersion());
        throw ApplicationFailure.newNonRetryableFailure("apply: beforeSwitch " + failure + " (tag not moved, still "
            + "on " + describe(previous) + ")", RobotSideErrors.HOOK_FAILED);
      });
      RobotDiskState applied = before.withImageApplied(app.name(),
          new RobotDiskState.AppImages(release.image(), previous), release.version(),
          ReleaseManifestCheck.releaseNumber(release), rollout.orElse(null));
      // state.json first: a crash before the tag moved is repaired by alignTagWith on the retry.
      disk.writeState(applied);
      alignTagWith(applied);
      Optional<String> afterFailure = hooks.run(hooks.afterSwitch());
      if (afterFailure.isPresent()) {
        disk.writeState(before);
        if (previous == null) {
          engine("apply", () -> {
            engine.untag(app.repository(), app.tag());
            return null;
          });
        } else {
          alignTagWith(before);
        }
        hooks.restartServices(disk.dir(), before.installedVersion());
        throw ApplicationFailure.newNonRetryableFailure("apply: afterSwitch " + afterFailure.get() + " (tag moved "
            + "back to " + describe(previous) + ")", RobotSideErrors.HOOK_FAILED);
      }
      log.info("robot {}: {} tagged {} ({}), was {}", disk.dir(), app.taggedImage(), release.version(),
          release.image(), describe(previous));
      return new SlotSwitch(digestOf(previous), digestOf(release.image()), before.installedVersion());
    }
  }

  /**
   * Records in state.json the image the app's tag named before otaflow first moved it (the one the robot left the
   * factory with): the image a rollback of the first update returns to, and the one a failed first apply re-tags.
   */
  private RobotDiskState adoptTaggedImage(RobotDiskState state) {
    if (state.app(app.name()).current() != null) {
      return state;
    }
    Optional<String> tagged = engine("apply", () -> engine.inspect(app.taggedImage())).map(this::nameOf);
    if (tagged.isEmpty()) {
      return state;
    }
    RobotDiskState adopted = state.withAppImages(app.name(), new RobotDiskState.AppImages(tagged.get(), null));
    disk.writeState(adopted);
    log.info("robot {}: {} named {} before its first update: recorded, a rollback returns to it", disk.dir(),
        app.taggedImage(), tagged.get());
    return adopted;
  }

  /**
   * A retry of an apply that went through returns the switch it made; a committed release reports none (the same
   * image on both sides).
   */
  private SlotSwitch sameSwitch(RobotDiskState state) {
    RobotDiskState.AppImages images = state.app(app.name());
    if (state.committed() || images.previous() == null) {
      return new SlotSwitch(digestOf(images.current()), digestOf(images.current()), state.installedVersion());
    }
    return new SlotSwitch(digestOf(images.previous()), digestOf(images.current()), state.previousVersion());
  }

  @Override
  public void commit(Release release) {
    requireAppImage("commit", release);
    ActivityKeepAlive.during(() -> {
      synchronized (disk) {
        RobotDiskState state = DiskSlotActivities.stateToCommit(disk, release);
        alignTagWith(state);
        DiskSlotActivities.recordCommitted(disk, state);
        prune(state.app(app.name()));
        log.info("robot {}: {} committed ({})", disk.dir(), release.version(), release.image());
      }
    });
  }

  /**
   * Removes the repository's images beyond the keep count: never the running one or the one a rollback returns to;
   * of the others, the newest stay. An image the engine refuses to remove (a container still uses it) is left.
   */
  private void prune(RobotDiskState.AppImages keep) {
    Set<String> kept = new HashSet<>();
    for (String name : Arrays.asList(keep.current(), keep.previous())) {
      if (name != null) {
        engine("commit", () -> engine.inspect(name)).ifPresent(image -> kept.add(image.id()));
      }
    }
    List<ContainerEngine.EngineImage> others = engine("commit", () -> engine.images(app.repository())).stream()
        .filter(image -> !kept.contains(image.id())).toList();
    for (ContainerEngine.EngineImage image : others.subList(Math.min(others.size(),
        Math.max(0, app.keepImages() - kept.size())), others.size())) {
      try {
        engine.remove(image.id());
        log.info("robot {}: pruned image {} ({})", disk.dir(), image.repoDigests(), image.id());
      } catch (DockerException e) {
        log.warn("robot {}: cannot prune image {}: {}", disk.dir(), image.repoDigests(),
            RobotSideErrors.firstLine(e.getMessage()));
      }
    }
  }

  @Override
  public String rollback(Release release) {
    requireAppImage("rollback", release);
    return timed("otaflow.agent.rollback.duration", () -> ActivityKeepAlive.during(() -> tagPrevious(release)));
  }

  /**
   * As {@link DiskSlotActivities#rollback}: beforeSwitch hooks, state.json (noting the version left in
   * {@code rollingBackFrom}), the tag, afterSwitch hooks, one round of probes, then the note cleared.
   */
  private String tagPrevious(Release release) {
    synchronized (disk) {
      RobotDiskState state = disk.readState();
      alignTagWith(state);
      if (!release.version().equals(state.rollingBackFrom())) {
        UpdatingRollout.requireNoOther("rollback", state, UpdatingRollout.ofCurrentStep());
        if (!release.version().equals(state.installedVersion())) {
          log.info("robot {}: rollback of {} is a no-op, {} is active", disk.dir(), release.version(),
              state.installedVersion());
          return state.installedVersion();
        }
        if (state.app(app.name()).previous() == null) {
          throw refuseRollback("no previous image of " + app.repository() + " on this robot, still running "
              + release.version(), RobotSideErrors.NO_PREVIOUS_RELEASE);
        }
        Optional<String> stopFailure = hooks.run(hooks.beforeSwitch());
        state = state.imageRolledBack(app.name());
        disk.writeState(state);
        alignTagWith(state);
        log.info("robot {}: {} moved back from {} to {} ({})", disk.dir(), app.taggedImage(), release.version(),
            state.installedVersion(), state.app(app.name()).current());
        if (stopFailure.isPresent()) {
          hooks.restartServices(disk.dir(), state.installedVersion());
          throw refuseRollback("beforeSwitch " + stopFailure.get() + " (tag moved back to "
              + state.app(app.name()).current() + " anyway)", RobotSideErrors.HOOK_FAILED);
        }
      }
      Optional<String> startFailure = hooks.run(hooks.afterSwitch());
      if (startFailure.isPresent()) {
        throw refuseRollback("afterSwitch " + startFailure.get() + " (tag moved back to "
            + state.app(app.name()).current() + ")", RobotSideErrors.HOOK_FAILED);
      }
      HealthReport health = probeRound.apply(state.installedVersion());
      if (!health.healthy()) {
        throw refuseRollback("unhealthy after moving back to " + state.installedVersion() + ": "
            + health.failure().orElse("unhealthy"), RobotSideErrors.UNHEALTHY_AFTER_ROLLBACK);
      }
      disk.writeState(state.rollbackFinished());
      log.info("robot {}: rolled back {} to {} ({}), hooks ran and probes passed", disk.dir(), release.version(),
          state.installedVersion(), state.app(app.name()).current());
      return state.installedVersion();
    }
  }

  private static ApplicationFailure refuseRollback(String why, String type) {
    return ApplicationFailure.newNonRetryableFailure("rollback: " + why, type);
  }

  /**
   * Puts the app's tag where state.json says it is (a crash may have left it behind). State.json naming no image
   * leaves the tag as it is.
   */
  private void alignTagWith(RobotDiskState state) {
    String wanted = state.app(app.name()).current();
    if (wanted == null) {
      return;
    }
    ContainerEngine.EngineImage target = engine("tag", () -> engine.inspect(wanted)).orElseThrow(() ->
        ApplicationFailure.newNonRetryableFailure("image " + wanted + ", which state.json says " + app.taggedImage()
            + " runs, is not in the engine", RobotSideErrors.ARTIFACT_MISSING));
    Optional<ContainerEngine.EngineImage> tagged = engine("tag", () -> engine.inspect(app.taggedImage()));
    if (tagged.map(image -> image.id().equals(target.id())).orElse(false)) {
      return;
    }
    engine("tag", () -> {
      engine.tag(wanted, app.repository(), app.tag());
      return null;
    });
    log.info("robot {}: {} now names {}", disk.dir(), app.taggedImage(), wanted);
  }

  /**
   * The release, refused (non-retryable) unless it is a valid image release of this robot's app: an archive, or an
   * image of another repository, has nowhere to go here.
   */
  private ImageReference requireAppImage(String step, Release release) {
    HttpDownloadActivities.requireValidRelease(release);
    if (!release.hasImage()) {
      throw ApplicationFailure.newNonRetryableFailure(step + ": release " + release.version() + " is an archive; "
          + "this robot runs " + app.name() + " as a container and installs images of " + app.repository() + " only",
          RobotSideErrors.UNSUPPORTED_ARTIFACT);
    }
    ImageReference image = ImageReference.parse(release.image());
    if (!image.repository().equals(app.repository())) {
      throw ApplicationFailure.newNonRetryableFailure(step + ": release " + release.version() + " is an image of "
          + image.repository() + "; this robot's app " + app.name() + " runs " + app.repository(),
          RobotSideErrors.UNSUPPORTED_ARTIFACT);
    }
    return image;
  }

  /**
   * What state.json calls {@code image}: its name under the app's repository and digest, or its ID when it has none
   * (an image built or imported on the robot, never pushed).
   */
  private String nameOf(ContainerEngine.EngineImage image) {
    return image.repoDigests().stream().filter(name -> name.startsWith(app.repository() + "@")).findFirst()
        .orElse(image.id());
  }

  /**
   * Runs an engine call; the engine being unreachable or failing is retryable, named with the step and the engine.
   */
  private <T> T engine(String step, Supplier<T> call) {
    try {
      return call.get();
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw ApplicationFailure.newFailureWithCause(step + ": container engine at " + engine.host() + ": "
          + RobotSideErrors.firstLine(describeCause(e)), RobotSideErrors.ENGINE_FAILED, e);
    }
  }

  private <T> T timed(String meter, Supplier<T> step) {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failed";
    try {
      T result = step.get();
      outcome = "ok";
      return result;
    } finally {
      sample.stop(Timer.builder(meter).tag("outcome", outcome).register(registry));
    }
  }

  private static String describeCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && (cause.getMessage() == null || cause.getMessage().isBlank())) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private static String describe(String image) {
    return image == null ? "no image" : image;
  }

  private static String digestOf(String image) {
    return image == null ? NO_IMAGE : image.substring(image.indexOf('@') + 1);
  }
}
