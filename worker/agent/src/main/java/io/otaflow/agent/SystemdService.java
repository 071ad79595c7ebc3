package io.otaflow.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as a {@code Type=notify} systemd service: {@code READY=1} once the robot is registered and its worker
 * polls, {@code WATCHDOG=1} every half watchdog period while the agent is healthy, {@code STOPPING=1} on shutdown.
 * An agent that stops being healthy, or whose JVM hangs, stops pinging, and systemd restarts it after
 * {@code WatchdogSec}. Outside systemd (no {@code NOTIFY_SOCKET}) it does nothing.
 */
public final class SystemdService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SystemdService.class);

  private final SystemdNotifier notifier;
  private final Duration watchdogTimeout;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "otaflow-systemd-watchdog");
    thread.setDaemon(true);
    return thread;
  });
  private volatile String lastProblem;

  /**
   * @param notifier        null when not run by systemd
   * @param watchdogTimeout null when the unit has no watchdog
   */
  SystemdService(SystemdNotifier notifier, Duration watchdogTimeout) {
    this.notifier = notifier;
    this.watchdogTimeout = watchdogTimeout;
  }

  /**
   * From what systemd puts in the service's environment: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, and
   * {@code WATCHDOG_PID} (the watchdog is meant for that process only: a child that inherited it does not ping).
   */
  public static SystemdService fromEnvironment(Map<String, String> environment, long pid) {
    SystemdNotifier notifier = SystemdNotifySocket.fromEnvironment(environment).orElse(null);
    return new SystemdService(notifier, notifier == null ? null : watchdogTimeout(environment, pid).orElse(null));
  }

  /** Whether systemd asked process {@code pid} for watchdog pings, and how often it expects them at the latest. */
  static Optional<Duration> watchdogTimeout(Map<String, String> environment, long pid) {
    String usec = environment.get("WATCHDOG_USEC");
    String watchdogPid = environment.get("WATCHDOG_PID");
    if (usec == null || watchdogPid != null && !watchdogPid.equals(Long.toString(pid))) {
      return Optional.empty();
    }
    try {
      long micros = Long.parseLong(usec);
      if (micros > 0) {
        return Optional.of(Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(micros)));
      }
    } catch (NumberFormatException ignored) {
      // Logged below, like zero or a negative value.
    }
    log.warn("systemd: WATCHDOG_USEC={} is not a positive number of microseconds; running without watchdog", usec);
    return Optional.empty();
  }

  /**
   * Tells systemd the agent is up, then pings its watchdog every half period as long as {@code problem} answers
   * empty; while it names a problem, the ping is withheld and the problem becomes the unit's status line.
   */
  public void ready(String status, Supplier<Optional<String>> problem) {
    send("READY=1\nSTATUS=" + status);
    if (watchdogTimeout != null) {
      long periodMillis = Math.max(1, watchdogTimeout.toMillis() / 2);
      timer.scheduleAtFixedRate(() -> ping(status, problem), 0, periodMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void ping(String status, Supplier<Optional<String>> problem) {
    String now = problem.get().orElse(null);
    if (now == null) {
      send(lastProblem == null ? "WATCHDOG=1" : "WATCHDOG=1\nSTATUS=" + status);
    } else if (!now.equals(lastProblem)) {
      log.error("systemd watchdog: not pinging, systemd will restart the agent: {}", now);
      send("STATUS=unhealthy: " + now);
    }
    lastProblem = now;
  }

  private void send(String state) {
    if (notifier == null) {
      return;
    }
    try {
      notifier.send(state);
    } catch (IOException | LinkageError e) {
      // LinkageError: JNA or libc could not be loaded. systemd will time the service out and say so.
      log.error("systemd: cannot notify {} of '{}': {}", notifier, state.replace('\n', ' '), e.toString());
    }
  }

  /** {@code STOPPING=1}, and no more pings. */
  @Override
  public void close() {
    timer.shutdownNow();
    send("STOPPING=1");
  }
}
