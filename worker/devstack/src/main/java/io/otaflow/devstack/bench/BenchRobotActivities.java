package io.otaflow.devstack.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** A step that does nothing, served by every simulated robot's worker next to its real activities. */
@ActivityInterface
public interface BenchRobotActivities {

  @ActivityMethod
  void benchStep(int step);

  /** The implementation: returns at once. */
  final class Noop implements BenchRobotActivities {
    @Override
    public void benchStep(int step) {
    }
  }
}
