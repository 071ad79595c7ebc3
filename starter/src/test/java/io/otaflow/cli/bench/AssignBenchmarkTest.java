package io.otaflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.cli.Otaflow;
import io.otaflow.cli.TestProcesses;
import io.otaflow.wire.WireJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code otaflow bench assign} in its own process, on a fleet of three assignment pages: it assigns every robot in the
 * plan's stage sizes (the timing itself is for README, not here).
 */
class AssignBenchmarkTest {

  @TempDir
  Path dir;

  @Test
  void assignsEveryRobotOfTheFleetInThePlansStageSizes() throws Exception {
    Process bench = TestProcesses.java(dir, "bench-assign", Map.of(), Otaflow.class.getName(), "bench", "assign",
        "--robots", "12000", "--data-dir", dir.resolve("bench").toString(), "--json");

    assertThat(bench.waitFor(5, TimeUnit.MINUTES)).as("bench assign ended within 5 minutes").isTrue();
    String output = Files.readString(dir.resolve("bench-assign.log"));
    assertThat(bench.exitValue()).as(output).isZero();
    JsonNode figures = WireJson.mapper().readTree(output.substring(output.indexOf('{')));
    assertThat(figures.get("robots").asInt()).isEqualTo(12_000);
    // Canary 1, then 5%, 25%, 50%, 100%, each topping the fleet up to its cumulative share.
    assertThat(WireJson.mapper().convertValue(figures.get("stageSizes"), List.class))
        .containsExactly(1, 599, 2_400, 3_000, 6_000);
    assertThat(figures.get("assignSeconds").asDouble()).isPositive();
  }

  @Test
  void anEmptyFleetIsRefusedInOneLine() throws Exception {
    Process bench = TestProcesses.java(dir, "bench-assign", Map.of(), Otaflow.class.getName(), "bench", "assign",
        "--robots", "0", "--data-dir", dir.resolve("bench").toString());

    assertThat(bench.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(bench.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("bench-assign.log")).strip())
        .isEqualTo("otaflow: --robots must be at least 1, was 0");
  }
}
