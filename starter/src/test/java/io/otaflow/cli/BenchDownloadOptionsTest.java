package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A bad {@code otaflow bench download} option is one line on stderr and exit code 2, before anything is written. */
class BenchDownloadOptionsTest {

  private final StringWriter err = new StringWriter();

  private int otaflow(String... args) {
    return Otaflow.commandLine().setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void zeroSizeIsRefused() {
    assertThat(otaflow("bench", "download", "--size", "0")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString().lines()).containsExactly("otaflow: Invalid value for option '--size': the size must be "
        + "at least 1 byte, was 0 (otaflow bench download --help)");
  }

  @Test
  void killPointOutsideTheDownloadIsRefused() {
    assertThat(otaflow("bench", "download", "--kill-at", "0%")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString().lines()).containsExactly("otaflow: Invalid value for option '--kill-at': the kill point "
        + "must be between 1% and 99%, was 0% (otaflow bench download --help)");
  }
}
