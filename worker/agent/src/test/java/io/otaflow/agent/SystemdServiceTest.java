package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SystemdServiceTest {

  private static final Duration WATCHDOG = Duration.ofMillis(200);

  private final BlockingQueue<String> sent = new LinkedBlockingQueue<>();

  @Test
  void readsTheWatchdogFromSystemdsEnvironment() {
    Map<String, String> environment = Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "30000000",
        "WATCHDOG_PID", "4242");

    assertThat(SystemdService.watchdogTimeout(environment, 4242)).contains(Duration.ofSeconds(30));
  }

  @Test
  void noWatchdogWhenItIsMeantForAnotherProcessOrMalformed() {
    assertThat(SystemdService.watchdogTimeout(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
        "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1"), 4242)).isEmpty();
    assertThat(SystemdService.watchdogTimeout(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
        "WATCHDOG_USEC", "soon"), 4242)).isEmpty();
    assertThat(SystemdService.watchdogTimeout(Map.of("NOTIFY_SOCKET", "/run/systemd/notify",
        "WATCHDOG_USEC", "0"), 4242)).isEmpty();
  }

  @Test
  void outsideSystemdNothingIsSentAndNothingFails() {
    assertThatCode(() -> {
      try (SystemdService systemd = SystemdService.fromEnvironment(Map.of(), 4242)) {
        systemd.ready("serving robot-r1", Optional::empty);
      }
    }).doesNotThrowAnyException();
  }

  @Test
  void refusesANotifySocketThatIsNotAnAbsolutePathOrAbstract() {
    assertThatThrownBy(() -> SystemdNotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "run/notify")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("NOTIFY_SOCKET must be an absolute path or start with @, was run/notify");
    assertThatThrownBy(() -> SystemdNotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(107))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("NOTIFY_SOCKET is longer than 108 bytes");
    assertThat(SystemdNotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "@/org/freedesktop/systemd1/notify")))
        .isPresent();
  }

  @Test
  void pingsWhileHealthyWithholdsPingsWhileNotAndStopsOnClose() throws InterruptedException {
    AtomicReference<String> problem = new AtomicReference<>();
    SystemdService systemd = new SystemdService(sent::add, WATCHDOG);

    systemd.ready("serving robot-r1 on temporal:7233", () -> Optional.ofNullable(problem.get()));
    assertThat(next()).isEqualTo("READY=1\nSTATUS=serving robot-r1 on temporal:7233");
    assertThat(next()).isEqualTo("WATCHDOG=1");
    assertThat(next()).isEqualTo("WATCHDOG=1");

    problem.set("the worker polling robot-r1 has shut down");
    String message = next();
    while (message.equals("WATCHDOG=1")) {
      message = next(); // a ping already on its way when the problem appeared
    }
    assertThat(message).isEqualTo("STATUS=unhealthy: the worker polling robot-r1 has shut down");
    // Three periods without a ping: longer than the watchdog timeout, so systemd would restart the agent.
    assertThat(sent.poll(WATCHDOG.toMillis() * 3 / 2, TimeUnit.MILLISECONDS)).isNull();

    problem.set(null);
    assertThat(next()).isEqualTo("WATCHDOG=1\nSTATUS=serving robot-r1 on temporal:7233");
    assertThat(next()).isEqualTo("WATCHDOG=1");

    systemd.close();
    message = next();
    while (message.equals("WATCHDOG=1")) {
      message = next();
    }
    assertThat(message).isEqualTo("STOPPING=1");
    assertThat(sent.poll(WATCHDOG.toMillis(), TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aNotifierThatFailsDoesNotStopTheAgent() {
    SystemdService systemd = new SystemdService(state -> {
      sent.add(state);
      throw new IOException("connection refused");
    }, null);

    systemd.ready("serving robot-r1", Optional::empty);
    systemd.close();

    assertThat(sent).containsExactly("READY=1\nSTATUS=serving robot-r1", "STOPPING=1");
  }

  private String next() throws InterruptedException {
    String message = sent.poll(5, TimeUnit.SECONDS);
    assertThat(message).as("a message to systemd within 5 s").isNotNull();
    return message;
  }
}
