package io.otaflow.robotupdate;

import io.otaflow.release.Release;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Robot side: the A/B slots and the {@code current} link that chooses between them. */
@ActivityInterface
public interface SlotActivities {

  /**
   * Unpacks the verified artifact into the inactive slot, then switches {@code current} to it atomically.
   * Idempotent: applying the release that is already active returns the same switch.
   */
  @ActivityMethod
  SlotSwitch apply(Release release, StagedArtifact artifact);

  /** Marks the active slot good: the release is installed for keeps and its staged download is removed. */
  @ActivityMethod
  void commit(Release release);

  /**
   * Switches back to the slot that was active before {@code release} was applied. Idempotent: if
   * {@code release} is not the active version, nothing changes. Returns the version active afterwards.
   */
  @ActivityMethod
  String rollback(Release release);
}
