package io.otaflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

/** {@code otaflow bench download}'s sizes, kill points and tools, read and refused before anything runs. */
class BenchDownloadCommandTest {

  @TempDir
  Path temp;

  @ParameterizedTest
  @CsvSource({"1GiB, 1073741824", "512MiB, 536870912", "64kib, 65536", "1000, 1000", "7B, 7"})
  void sizesInBytesOrBinaryUnits(String value, long bytes) {
    assertThat(new BenchDownloadCommand.ByteSizeConverter().convert(value)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0 | the size must be at least 1 byte, was 0",
      "0GiB | the size must be at least 1 byte, was 0GiB",
      "1.5GiB | '1.5GiB' is not a size: give bytes or a number with KiB, MiB or GiB, e.g. 1GiB",
      "1GB | '1GB' is not a size: give bytes or a number with KiB, MiB or GiB, e.g. 1GiB",
      "-1 | '-1' is not a size: give bytes or a number with KiB, MiB or GiB, e.g. 1GiB",
      "999999999999999GiB | the size 999999999999999GiB is too large"})
  void badSizesAreRefusedInOneLine(String value, String message) {
    assertThatThrownBy(() -> new BenchDownloadCommand.ByteSizeConverter().convert(value))
        .isInstanceOf(TypeConversionException.class).hasMessage(message);
  }

  @Test
  void killPointIsAPercentageBetweenOneAndNinetyNine() {
    BenchDownloadCommand.PercentConverter percent = new BenchDownloadCommand.PercentConverter();
    assertThat(percent.convert("50%")).isEqualTo(50);
    assertThat(percent.convert("1")).isEqualTo(1);
    assertThatThrownBy(() -> percent.convert("100%")).isInstanceOf(TypeConversionException.class)
        .hasMessage("the kill point must be between 1% and 99%, was 100%");
    assertThatThrownBy(() -> percent.convert("half")).isInstanceOf(TypeConversionException.class)
        .hasMessage("'half' is not a percentage: give 1-99, e.g. 50%");
  }

  @Test
  void missingToolsAreNamed() throws Exception {
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Files.createFile(bin.resolve("curl"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
        "rwxr-xr-x")));

    assertThatThrownBy(() -> DownloadBenchmark.requireTools(bin.toString())).isInstanceOf(IllegalStateException.class)
        .hasMessage("bench download compares with curl -o and openssl dgst -sha256: openssl not found on the PATH");
    assertThatThrownBy(() -> DownloadBenchmark.requireTools(temp.toString())).hasMessage(
        "bench download compares with curl -o and openssl dgst -sha256: curl and openssl not found on the PATH");
  }
}
