package io.otaflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.cli.Otaflow;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code otaflow bench rollout --instant} as a user runs it, in a JVM of its own: the figures as JSON on stdout and
 * exit 0 when every check passed; exit 1 with one line per failed check on stderr, no stack trace, when one did not.
 */
class BenchRolloutInstantIT {

  @TempDir
  Path dir;

  @Test
  void failingLastStageRunPassesItsChecksAndPrintsItsFiguresAsJson() throws Exception {
    Run run = otaflow("passing", "--instant", "--robots", "200", "--max-parallel", "20", "--history-budget", "400",
        "--fail-last-stage", "--json");

    assertThat(run.exitCode).as(run.stderr).isZero();
    JsonNode figures = WireJson.mapper().readTree(run.stdout);
    assertThat(figures.path("failures").size()).isZero();
    assertThat(figures.path("rolloutStatus").asText()).isEqualTo("ROLLED_BACK");
    assertThat(figures.path("checks").path("stageLoopContinuations").asInt()).isPositive();
    assertThat(figures.path("checks").path("rollbackContinuations").asInt()).isPositive();
    assertThat(figures.path("maxHeapMb").asDouble()).isPositive();
    assertThat(figures.path("peakHeapUsedMb").asDouble()).isPositive();
  }

  @Test
  void runThatNeverContinuesAsNewExitsOneNamingTheFailedCheck() throws Exception {
    // 40 robots never fill the workflow's own budget of 10,000 events.
    Run run = otaflow("failing", "--instant", "--robots", "40", "--max-parallel", "20");

    assertThat(run.exitCode).isEqualTo(1);
    assertThat(run.stdout).contains("checks           1 failed");
    assertThat(run.stderr.lines()).contains("continue-as-new: never happened in the stage loop (1 runs)");
    assertThat(run.stderr).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void failLastStageWithoutInstantIsRefusedInOneLine() throws Exception {
    Run run = otaflow("refused", "--robots", "10", "--fail-last-stage");

    assertThat(run.exitCode).isNotZero();
    assertThat(run.stderr.strip())
        .isEqualTo("otaflow: --fail-last-stage, --history-budget and --database-url need --instant");
  }

  @Test
  void databaseUrlOtherThanPostgresIsRefusedInOneLineWithoutItsQuery() throws Exception {
    Run run = otaflow("not-postgres", "--instant", "--robots", "10", "--database-url",
        "jdbc:h2:file:/tmp/fleet?password=secret");

    assertThat(run.exitCode).isNotZero();
    assertThat(run.stderr.strip()).isEqualTo(
        "otaflow: --database-url must be a PostgreSQL JDBC URL (jdbc:postgresql:...), was jdbc:h2:file:/tmp/fleet");
  }

  private record Run(int exitCode, String stdout, String stderr) {
  }

  private Run otaflow(String name, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), Otaflow.class.getName(), "bench", "rollout",
        "--data-dir", dir.resolve(name).toString()));
    command.addAll(List.of(args));
    Path stdout = dir.resolve(name + ".out");
    Path stderr = dir.resolve(name + ".err");
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("otaflow bench rollout " + String.join(" ", args) + " did not end within 5 minutes");
    }
    return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }
}
