package io.otaflow.robot;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Heartbeats for robot-side steps whose length the agent cannot foresee (unpacking, hook commands, hashing a large
 * artifact): sent from a timer thread, three times per heartbeat timeout, while the step runs. A killed agent then
 * stops heartbeating and the server retries the step on the restarted agent within the heartbeat timeout, instead of
 * waiting out the step's start-to-close timeout. A step without heartbeat timeout, or called outside an activity,
 * just runs.
 */
final class ActivityKeepAlive {

  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "otaflow-activity-heartbeat");
    thread.setDaemon(true);
    return thread;
  });

  private ActivityKeepAlive() {
  }

  static <T> T during(Supplier<T> step) {
    return during(() -> null, step);
  }

  /** As {@link #during(Supplier)}, each heartbeat carrying {@code details} as they are then (progress, say). */
  static <T> T during(Supplier<?> details, Supplier<T> step) {
    ActivityExecutionContext context = currentActivity();
    Duration timeout = context == null ? Duration.ZERO : context.getInfo().getHeartbeatTimeout();
    if (timeout.isZero()) {
      return step.get();
    }
    long periodMillis = Math.max(1, timeout.toMillis() / 3);
    ScheduledFuture<?> heartbeats = TIMER.scheduleAtFixedRate(() -> heartbeat(context, details.get()), periodMillis,
        periodMillis, TimeUnit.MILLISECONDS);
    try {
      return step.get();
    } finally {
      heartbeats.cancel(false);
    }
  }

  static void during(Runnable step) {
    during(() -> {
      step.run();
      return null;
    });
  }

  private static void heartbeat(ActivityExecutionContext context, Object details) {
    try {
      context.heartbeat(details);
    } catch (ActivityCompletionException ignored) {
      // Cancelled or timed out: these steps finish what they started, and their result decides.
    }
  }

  /** The activity this thread runs, or null when called outside one (a test, the simulator's factory install). */
  static ActivityExecutionContext currentActivity() {
    try {
      return Activity.getExecutionContext();
    } catch (IllegalStateException notInAnActivity) {
      return null;
    }
  }
}
