package io.otaflow.robotupdate;

import io.otaflow.release.Release;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Robot side: probes read from the robot's own state (battery, temperature, network latency, service). */
@ActivityInterface
public interface HealthActivities {

  /** Runs every probe once against the running {@code release}; an unhealthy robot is a report, not an exception. */
  @ActivityMethod
  HealthReport check(Release release);
}
