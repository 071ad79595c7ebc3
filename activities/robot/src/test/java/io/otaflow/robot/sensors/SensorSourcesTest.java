package io.otaflow.robot.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorSourcesTest {

  @TempDir
  Path temp;

  /** A source that always answers the same. */
  private record Answering(String name, Map<Quantity, Reading> read) implements SensorSource {
  }

  private static final SensorSource BATTERY_GONE = new Answering("gauge", Map.of(
      Quantity.BATTERY_PERCENT, Reading.unknown("gauge: no answer")));
  private static final SensorSource HEALTH_NODE = new Answering("node", Map.of(
      Quantity.BATTERY_PERCENT, Reading.of(64), Quantity.MISSION_ACTIVE, Reading.of(false)));
  private static final SensorSource DOWN = new Answering("down", Map.of(
      Quantity.BATTERY_PERCENT, Reading.unknown("down: refused"),
      Quantity.MISSION_ACTIVE, Reading.unknown("down: refused")));

  @Test
  void theFirstSourceThatKnowsAQuantityAnswersForIt() {
    SensorReadings readings = new SensorSources(List.of(BATTERY_GONE, HEALTH_NODE), null).read();

    assertThat(readings.get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(64));
  }

  @Test
  void whenNoSourceKnowsItTheQuantityIsUnknownWithEveryReason() {
    SensorReadings readings = new SensorSources(List.of(BATTERY_GONE, DOWN), null).read();

    assertThat(readings.get(Quantity.BATTERY_PERCENT))
        .isEqualTo(Reading.unknown("battery unknown: gauge: no answer; down: refused"));
    assertThat(readings.get(Quantity.TEMPERATURE_C))
        .isEqualTo(Reading.unknown("temperature unknown: not reported by gauge, down"));
  }

  @Test
  void anUpdateLockFileIsTheMissionStateAloneWhilePresentBusy() throws Exception {
    Path lock = temp.resolve("update.lock");
    SensorSources sources = new SensorSources(List.of(HEALTH_NODE), new LockFileSource(lock));

    assertThat(sources.read().get(Quantity.MISSION_ACTIVE)).isEqualTo(Reading.of(false));
    Files.writeString(lock, "");
    assertThat(sources.read().get(Quantity.MISSION_ACTIVE)).isEqualTo(Reading.of(true));
  }

  @Test
  void aFailingMissionSourceIsNotReplacedByAnotherSourceSayingIdle() {
    SensorReadings readings = new SensorSources(List.of(HEALTH_NODE), DOWN).read();

    assertThat(readings.get(Quantity.MISSION_ACTIVE))
        .isEqualTo(Reading.unknown("mission state unknown: down: refused"));
    assertThat(readings.get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(64));
  }
}
