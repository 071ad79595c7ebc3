package io.otaflow.robot.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {

  private static final Instant WRITTEN = Instant.parse("2026-03-10T12:00:00Z");

  @TempDir
  Path temp;

  private Path file(String json) throws Exception {
    Path file = Files.writeString(temp.resolve("sensors.json"), json);
    Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
    return file;
  }

  /** The file's battery reading, {@code secondsLater} after it was written, with a limit of 30 s. */
  private static Reading batteryAfter(Path file, long secondsLater) {
    return new FileSource(file, Duration.ofSeconds(30), Clock.fixed(WRITTEN.plusSeconds(secondsLater),
        ZoneOffset.UTC)).read().get(Quantity.BATTERY_PERCENT);
  }

  @Test
  void aFreshFileIsReadAStaleOneIsUnknownByItsModificationTime() throws Exception {
    Path file = file("{\"batteryPercent\": 71}");

    assertThat(batteryAfter(file, 10)).isEqualTo(Reading.of(71));
    assertThat(batteryAfter(file, 95))
        .isEqualTo(Reading.unknown("file " + file + ": reading is 95s old (limit 30s)"));
  }

  @Test
  void aTimestampInTheFileWinsOverItsModificationTime() throws Exception {
    Path file = file("{\"batteryPercent\": 71, \"timestamp\": \"2026-03-10T11:50:00Z\"}");

    assertThat(batteryAfter(file, 10))
        .isEqualTo(Reading.unknown("file " + file + ": reading is 610s old (limit 30s)"));
  }

  @Test
  void withoutALimitAnyAgeIsRead() throws Exception {
    Path file = file("{\"batteryPercent\": 71}");

    assertThat(new FileSource(file, null, Clock.fixed(WRITTEN.plus(Duration.ofDays(300)), ZoneOffset.UTC)).read()
        .get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(71));
  }

  @Test
  void aMissingFileIsUnknown() {
    Path file = temp.resolve("nowhere.json");

    assertThat(batteryAfter(file, 0)).isEqualTo(Reading.unknown("file " + file + ": missing"));
  }

  @Test
  void garbageIsUnknown() throws Exception {
    Path file = file("{\"batteryPercent\": 71} and more");
    Path notAnObject = Files.writeString(temp.resolve("list.json"), "[71]");

    assertThat(batteryAfter(file, 0).whyUnknown()).startsWith("file " + file + ": not JSON (");
    assertThat(batteryAfter(notAnObject, 0)).isEqualTo(Reading.unknown("file " + notAnObject
        + ": not a JSON object"));
  }

  @Test
  void aTimestampThatIsNoTimeIsUnknown() throws Exception {
    Path file = file("{\"batteryPercent\": 71, \"timestamp\": \"yesterday\"}");

    assertThat(batteryAfter(file, 0)).isEqualTo(Reading.unknown("file " + file
        + ": timestamp \"yesterday\" is neither ISO-8601 nor epoch seconds"));
  }
}
