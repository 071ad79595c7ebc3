package io.otaflow.robot.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandSourceTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path temp;

  /** An executable shell script with {@code body}; its path is the command. */
  private String script(String body) throws Exception {
    Path script = Files.createTempFile(temp, "sensors-", ".sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    assertThat(script.toFile().setExecutable(true)).isTrue();
    return script.toString();
  }

  private static Map<Quantity, Reading> read(String command, Duration timeout) {
    return new CommandSource(command, timeout, Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC)).read();
  }

  @Test
  void readsTheJsonObjectTheCommandPrintsIgnoringStderrAndOtherFields() throws Exception {
    String command = script("""
        echo 'waiting for /battery_state' >&2
        printf '{"batteryPercent": 87.5, "charging": true,\\n "missionActive": false, "voltage": 25.1}\\n'""");

    assertThat(read(command, TIMEOUT)).isEqualTo(Map.of(
        Quantity.BATTERY_PERCENT, Reading.of(87.5),
        Quantity.CHARGING, Reading.of(true),
        Quantity.MISSION_ACTIVE, Reading.of(false)));
  }

  @Test
  void aCommandThatFailsMakesEveryQuantityUnknownNamingItAndWhatItSaid() throws Exception {
    String command = script("echo 'no /battery_state publisher' >&2\nexit 3");

    assertThat(read(command, TIMEOUT)).hasSize(Quantity.values().length).allSatisfy((quantity, reading) ->
        assertThat(reading).isEqualTo(Reading.unknown("command `" + command
            + "` exited 3: no /battery_state publisher")));
  }

  @Test
  void garbageIsUnknownNamingTheCommand() throws Exception {
    String command = script("echo 'battery: 87%'");

    assertThat(read(command, TIMEOUT).get(Quantity.BATTERY_PERCENT).whyUnknown())
        .startsWith("command `" + command + "`: not JSON (");
  }

  @Test
  void aCommandThatDoesNotAnswerInTimeIsKilledAndUnknown() throws Exception {
    String command = script("sleep 30");

    assertThat(read(command, Duration.ofMillis(300)).get(Quantity.BATTERY_PERCENT))
        .isEqualTo(Reading.unknown("command `" + command + "` timed out after 300ms"));
  }

  @Test
  void aTimestampOlderThanMaxAgeIsStaleInEitherForm() throws Exception {
    String iso = script("echo '{\"batteryPercent\": 87, \"timestamp\": \"2026-03-10T11:58:00Z\"}'");
    String epochSeconds = script("echo '{\"batteryPercent\": 87, \"timestamp\": " + (NOW.getEpochSecond() - 10)
        + "}'");

    assertThat(read(iso, TIMEOUT).get(Quantity.BATTERY_PERCENT))
        .isEqualTo(Reading.unknown("command `" + iso + "`: reading is 120s old (limit 30s)"));
    assertThat(read(epochSeconds, TIMEOUT).get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(87));
  }
}
