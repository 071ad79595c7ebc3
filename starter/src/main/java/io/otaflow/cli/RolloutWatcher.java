package io.otaflow.cli;

import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.StageProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Waits for a rollout to end, optionally showing robots finished, stage and counts: as a progress bar on a terminal,
 * as a line per change otherwise (CI logs, pipes), where a bar's carriage returns would be noise. Reads progress from
 * wherever it is given: the in-process {@code RolloutService} (demo, bench) or the control plane's REST API.
 */
public final class RolloutWatcher {

  private static final Duration POLL = Duration.ofMillis(500);

  /** A rollout's progress now, by rollout ID. */
  @FunctionalInterface
  public interface ProgressSource {
    RolloutProgress progress(String rolloutId);
  }

  private final ProgressSource rollouts;
  private final PrintStream progressOut;

  /** @param progressOut where the bar goes, or null to wait silently (JSON output, tests) */
  public RolloutWatcher(ProgressSource rollouts, PrintStream progressOut) {
    this.rollouts = rollouts;
    this.progressOut = progressOut;
  }

  public RolloutProgress await(String rolloutId, Duration timeout) throws TimeoutException {
    if (progressOut == null) {
      return poll(rolloutId, timeout, progress -> { });
    }
    if (System.console() == null) {
      String[] last = {""};
      return poll(rolloutId, timeout, progress -> {
        String line = rolloutId + " " + finished(progress) + "/" + progress.totalRobots() + " " + summary(progress);
        if (!line.equals(last[0])) {
          progressOut.println(line);
          last[0] = line;
        }
      });
    }
    try (ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(rolloutId)
        .setInitialMax(-1)
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(progressOut))
        .setUpdateIntervalMillis(250)
        .continuousUpdate()
        .build()) {
      return poll(rolloutId, timeout, progress -> draw(bar, progress));
    }
  }

  /** Asks for progress every {@link #POLL} and shows it, until the rollout is in a final state. */
  private RolloutProgress poll(String rolloutId, Duration timeout, Consumer<RolloutProgress> show)
      throws TimeoutException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      RolloutProgress progress = rollouts.progress(rolloutId);
      show.accept(progress);
      if (progress.status().isFinal()) {
        return progress;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new TimeoutException("rollout " + rolloutId + " did not end within " + timeout);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while watching rollout " + rolloutId, e);
      }
    }
  }

  private static void draw(ProgressBar bar, RolloutProgress progress) {
    if (progress.totalRobots() > 0) {
      bar.maxHint(progress.totalRobots());
    }
    bar.stepTo(finished(progress));
    bar.setExtraMessage(" " + summary(progress));
  }

  /** Robots in a final state: neither waiting for their stage nor updating. */
  private static int finished(RolloutProgress progress) {
    Map<String, Integer> counts = progress.robotCounts();
    int waiting = counts.getOrDefault("PENDING", 0) + counts.getOrDefault("IN_FLIGHT", 0);
    return Math.max(0, progress.totalRobots() - waiting);
  }

  /** Status, stage and the non-zero counts, like {@code RUNNING stage 2/4 10% COMMITTED 3 IN_FLIGHT 2}. */
  static String summary(RolloutProgress progress) {
    StringBuilder text = new StringBuilder().append(progress.status()).append(stageName(progress));
    new TreeMap<>(progress.robotCounts()).forEach((state, count) -> {
      if (count > 0) {
        text.append(' ').append(state).append(' ').append(count);
      }
    });
    return text.toString();
  }

  private static String stageName(RolloutProgress progress) {
    int index = progress.stageIndex();
    if (index < 0 || index >= progress.stages().size()) {
      return "";
    }
    StageProgress stage = progress.stages().get(index);
    return " stage " + (index + 1) + "/" + progress.stages().size() + " " + stage.name();
  }
}
