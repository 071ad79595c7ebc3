package io.otaflow.robot;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code <robot-dir>/state.json} records about the robot's slots.
 *
 * <p>A state.json written before release numbers existed has neither number; it reads as 0 for both, which every
 * signed manifest satisfies, so an old robot accepts its first signed release.
 *
 * @param installedVersion      version in the active slot, or null on a robot that never had one
 * @param activeSlot            "a" or "b": the slot {@code current} must point at
 * @param previousVersion       version a rollback would return to, or null when there is nothing to go back to
 * @param previousSlot          slot holding {@code previousVersion}, or null
 * @param committed             whether the active release was declared good (health passed)
 * @param releaseNumber         release number of the active slot's release, from its signed manifest (0 when no
 *                              signed release was ever applied; an unsigned release keeps the number it replaced)
 * @param previousReleaseNumber release number of {@code previousVersion}, restored by a rollback
 * @param updatingRollout       the rollout whose update this robot is in the middle of (applied, not yet committed or
 *                              rolled back), or null: no other rollout may download, apply or commit here meanwhile
 * @param rollingBackFrom       version a rollback switched away from whose hooks and probes have not yet passed, or
 *                              null: a rollback retried after a crash finishes them
 * @param apps                  for a robot whose software runs as containers: each app's images, by app name (its
 *                              versions are the fields above; the slots stay as they were); empty on other robots
 */
public record RobotDiskState(
    String installedVersion, String activeSlot, String previousVersion, String previousSlot, boolean committed,
    long releaseNumber, long previousReleaseNumber, String updatingRollout, String rollingBackFrom,
    Map<String, AppImages> apps) {

  @JsonCreator
  public RobotDiskState {
    apps = apps == null ? Map.of() : Map.copyOf(apps);
  }

  /** A state with no container apps. */
  public RobotDiskState(
      String installedVersion, String activeSlot, String previousVersion, String previousSlot, boolean committed,
      long releaseNumber, long previousReleaseNumber, String updatingRollout, String rollingBackFrom) {
    this(installedVersion, activeSlot, previousVersion, previousSlot, committed, releaseNumber, previousReleaseNumber,
        updatingRollout, rollingBackFrom, Map.of());
  }

  /**
   * The images of one containerized app: what its tag points at, and what a rollback moves it back to.
   *
   * @param current  {@code repository@sha256:...} the app's tag points at, or null when nothing was ever tagged
   * @param previous {@code repository@sha256:...} a rollback returns to, or null: nothing to go back to
   */
  public record AppImages(String current, String previous) {
  }

  /** The images of {@code app}: none tagged yet when this robot never installed it. */
  public AppImages app(String app) {
    return apps.getOrDefault(app, new AppImages(null, null));
  }

  /** A state between updates, as robots recorded before rollouts were marked in it. */
  public RobotDiskState(
      String installedVersion, String activeSlot, String previousVersion, String previousSlot, boolean committed,
      long releaseNumber, long previousReleaseNumber) {
    this(installedVersion, activeSlot, previousVersion, previousSlot, committed, releaseNumber, previousReleaseNumber,
        null, null);
  }

  /** A state without release numbers (both 0), as robots recorded before releases were signed. */
  public RobotDiskState(
      String installedVersion, String activeSlot, String previousVersion, String previousSlot, boolean committed) {
    this(installedVersion, activeSlot, previousVersion, previousSlot, committed, 0, 0);
  }

  /** A robot straight from the factory: nothing installed, {@code current} on slot a. */
  public static RobotDiskState fresh() {
    return new RobotDiskState(null, "a", null, null, false);
  }

  /** The same state, committed or not. */
  public RobotDiskState withCommitted(boolean isCommitted) {
    return new RobotDiskState(installedVersion, activeSlot, previousVersion, previousSlot, isCommitted,
        releaseNumber, previousReleaseNumber, updatingRollout, rollingBackFrom, apps);
  }

  /** The same state, in the middle of {@code rolloutId}'s update (null: of none). */
  public RobotDiskState withUpdatingRollout(String rolloutId) {
    return new RobotDiskState(installedVersion, activeSlot, previousVersion, previousSlot, committed,
        releaseNumber, previousReleaseNumber, rolloutId, rollingBackFrom, apps);
  }

  /**
   * The state a rollback of the active release leads to: the previous release active and kept, nothing to go back to
   * (the slot left holds a rejected release), and {@code rollingBackFrom} set until its hooks and probes passed.
   */
  public RobotDiskState rolledBackToPrevious() {
    return new RobotDiskState(previousVersion, previousSlot, null, null, true, previousReleaseNumber, 0,
        updatingRollout, installedVersion, apps);
  }

  /** The rollback is complete: hooks ran, probes passed, no update in progress. */
  public RobotDiskState rollbackFinished() {
    return new RobotDiskState(installedVersion, activeSlot, previousVersion, previousSlot, committed, releaseNumber,
        previousReleaseNumber, null, null, apps);
  }

  /**
   * The state once {@code app}'s tag moved to {@code images.current()}: {@code version} installed, not yet committed,
   * in the middle of {@code rolloutId}'s update; the version replaced kept for a rollback, with
   * {@code images.previous()}.
   *
   * @param releaseNumber the release number of the signed manifest; null (unsigned) keeps the current one
   */
  public RobotDiskState withImageApplied(String app, AppImages images, String version, Long releaseNumber,
                                         String rolloutId) {
    return new RobotDiskState(version, activeSlot, installedVersion, previousSlot, false,
        releaseNumber != null ? releaseNumber : this.releaseNumber, this.releaseNumber, rolloutId, null,
        withApp(app, images));
  }

  /**
   * The state a rollback of {@code app}'s active image leads to: the previous version and image back, nothing further
   * to go back to, and {@code rollingBackFrom} set until the hooks and probes passed (as
   * {@link #rolledBackToPrevious()} for slots).
   */
  public RobotDiskState imageRolledBack(String app) {
    return new RobotDiskState(previousVersion, activeSlot, null, previousSlot, true, previousReleaseNumber, 0,
        updatingRollout, installedVersion, withApp(app, new AppImages(app(app).previous(), null)));
  }

  /** The same state, {@code app}'s images as given. */
  public RobotDiskState withAppImages(String app, AppImages images) {
    return new RobotDiskState(installedVersion, activeSlot, previousVersion, previousSlot, committed, releaseNumber,
        previousReleaseNumber, updatingRollout, rollingBackFrom, withApp(app, images));
  }

  private Map<String, AppImages> withApp(String app, AppImages images) {
    Map<String, AppImages> changed = new HashMap<>(apps);
    changed.put(app, images);
    return changed;
  }
}
