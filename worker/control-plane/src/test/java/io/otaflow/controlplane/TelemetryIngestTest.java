package io.otaflow.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.FleetDatabase;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.TelemetryRepository;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The newest report of each robot wins, whatever order they arrive in; a flush the database refuses loses nothing. */
class TelemetryIngestTest {

  private FleetDatabase database;
  private TelemetryRepository telemetry;
  private TelemetryIngest ingest;

  @BeforeEach
  void open() {
    database = FleetDatabase.connect("jdbc:h2:mem:ingest-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 4);
    new RobotRepository(database.jdbi(), Clock.systemUTC()).registerRobot("r1", Map.of(), "1.0.0", null);
    telemetry = new TelemetryRepository(database.jdbi(), Clock.systemUTC());
    ingest = new TelemetryIngest(telemetry, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void theNewestSampleWinsWhateverTheOrderOfArrival() {
    ingest.accept(report(2_000, 60.0));
    ingest.accept(report(1_000, 90.0));

    ingest.flush();

    assertThat(telemetry.latest("r1")).contains(report(2_000, 60.0));
  }

  @Test
  void aRefusedFlushKeepsItsReportsForTheNext() {
    ingest.accept(report(1_000, 90.0));
    database.jdbi().useHandle(h -> h.execute("ALTER TABLE robot_telemetry RENAME TO robot_telemetry_away"));

    ingest.flush();
    ingest.accept(report(500, 10.0));
    database.jdbi().useHandle(h -> h.execute("ALTER TABLE robot_telemetry_away RENAME TO robot_telemetry"));
    ingest.flush();

    assertThat(telemetry.latest("r1")).as("the kept report, not the older one that came after")
        .contains(report(1_000, 90.0));
  }

  private static RobotTelemetry report(long sentAt, double battery) {
    return new RobotTelemetry("r1", battery, 40.0, "1.0.0", sentAt, null, null);
  }
}
