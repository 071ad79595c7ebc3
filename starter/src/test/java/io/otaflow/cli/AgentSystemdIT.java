package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.devstack.EmbeddedTemporal;
import io.otaflow.registry.RobotRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The agent distribution's {@code bin/otaflow-agent} as systemd runs it ({@code Type=notify}, the unit's JVM options,
 * {@code WatchdogSec=1}): with {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC} in its environment and this test as
 * systemd's notification socket.
 */
class AgentSystemdIT {

  private static final Duration WATCHDOG = Duration.ofSeconds(1);

  // Kept when the test fails: the agent's log is in it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dataDir;

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  @Test
  void agentReportsReadyFeedsTheWatchdogAndGoesSilentWhenHung() throws Exception {
    Logging.toFile(dataDir.resolve("otaflow.log"));
    Process agent = null;
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start();
         ConfigurableApplicationContext controlPlane = TestControlPlane.start(temporal.target(), dataDir);
         NotifySocketReceiver systemd = new NotifySocketReceiver(dataDir.resolve("notify.sock"))) {
      agent = TestProcesses.agentDistribution(dataDir, "agent",
          Map.of("NOTIFY_SOCKET", systemd.path().toString(), "WATCHDOG_USEC", Long.toString(WATCHDOG.toNanos() / 1000)),
          "--robot-id", "r1", "--temporal-address", temporal.target(), "--data-dir", dataDir.resolve("r1").toString(),
          "--metrics-port", "0");

      assertThat(systemd.next(Duration.ofSeconds(90))).hasValueSatisfying(ready ->
          assertThat(ready).isEqualTo("READY=1\nSTATUS=serving robot-r1 on " + temporal.target()));
      // Ready means registered: systemd starts what comes after the agent only once the robot is in the fleet.
      assertThat(controlPlane.getBean(RobotRepository.class).robot("r1")).isPresent();
      assertThat(systemd.next(WATCHDOG)).contains("WATCHDOG=1");
      assertThat(systemd.next(WATCHDOG)).contains("WATCHDOG=1");

      // A frozen JVM is what a hung agent looks like to systemd: no ping for longer than WatchdogSec. The launcher
      // execs java, so the process started is the JVM (systemd's NotifyAccess=main needs that too).
      signal(agent, "STOP");
      while (systemd.next(Duration.ofMillis(100)).isPresent()) {
        // pings sent before the freeze
      }
      assertThat(systemd.next(WATCHDOG.multipliedBy(2))).isEmpty();
      signal(agent, "CONT");
      assertThat(systemd.next(WATCHDOG)).contains("WATCHDOG=1");

      agent.destroy(); // SIGTERM, as `systemctl stop` sends
      assertThat(lastMessage(systemd)).contains("STOPPING=1");
      assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.exitValue()).isEqualTo(143);
    } finally {
      if (agent != null) {
        agent.destroyForcibly();
      }
    }
  }

  private static Optional<String> lastMessage(NotifySocketReceiver systemd) {
    Optional<String> last = Optional.empty();
    for (Optional<String> message = systemd.next(Duration.ofSeconds(10)); message.isPresent();
         message = systemd.next(Duration.ofSeconds(2))) {
      last = message;
    }
    return last;
  }

  private static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -" + signal).isZero();
  }
}
