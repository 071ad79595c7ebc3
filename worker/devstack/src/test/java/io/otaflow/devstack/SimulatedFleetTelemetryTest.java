package io.otaflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.robot.RobotSensors;
import io.otaflow.wire.WireJson;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's simulated robots report as agents do: each with its own robot token, over HTTP to the control
 * plane's API; what their sensors read shows in the robot API.
 */
class SimulatedFleetTelemetryTest {

  @TempDir
  Path dataDir;

  @Test
  void simulatedRobotsPostTheirTelemetryOverHttp() throws Exception {
    try (LocalStack stack = LocalStack.start(dataDir, 2, Duration.ofMillis(200), Duration.ofMillis(500))) {
      String robot = stack.fleet().robotIds().get(1);
      RobotSensors.healthy().withTemperatureC(66.5).write(stack.fleet().disk(robot).dir());
      String admin = Files.readString(dataDir.resolve("admin-token")).strip();
      HttpClient http = HttpClient.newHttpClient();

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      JsonNode telemetry;
      do {
        assertThat(System.nanoTime()).as("%s's telemetry in the robot API", robot).isLessThan(deadline);
        Thread.sleep(100);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve("/api/v1/robots/"
            + robot)).header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        telemetry = WireJson.mapper().readTree(answer.body()).path("robot").path("telemetry");
      } while (telemetry.path("temperatureC").asDouble() != 66.5);

      assertThat(telemetry.path("installedVersion").asText()).isEqualTo(LocalStack.FACTORY_VERSION);
      assertThat(stack.meters().get("otaflow.telemetry.reports").counter().count()).isPositive();
    }
  }
}
