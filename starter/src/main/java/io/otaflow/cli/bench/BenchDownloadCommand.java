package io.otaflow.cli.bench;

import io.otaflow.robot.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(name = "download", mixinStandardHelpOptions = true,
    description = {"Times a robot's download and verify of a random artifact from a loopback HTTP server against "
        + "curl -o then openssl dgst -sha256 of the same file from the same server, and optionally a download killed "
        + "with kill -9 part way and resumed (how much it fetches again).",
        "The robot runs in a JVM of its own with the agent's robot-side activities, driven through Temporal's test "
            + "server in this one. Needs curl and openssl on the PATH; everything is written to a temporary directory "
            + "deleted afterwards (about three times --size)."})
final class BenchDownloadCommand implements Callable<Integer> {

  @Option(names = "--size", defaultValue = "1GiB", converter = ByteSizeConverter.class, paramLabel = "SIZE",
      description = "The artifact's size: bytes, or a number with KiB, MiB or GiB (default: ${DEFAULT-VALUE}).")
  long sizeBytes;

  @Option(names = "--kill-at", converter = PercentConverter.class, paramLabel = "PERCENT",
      description = "Also kill the robot with kill -9 once this share of the artifact is served (1-99, e.g. 50%), "
          + "restart it and report the bytes fetched again beyond the rest. Waits for the download's heartbeat "
          + "timeout (30 s) before Temporal retries.")
  Integer killPercent;

  @Override
  public Integer call() throws Exception {
    DownloadBenchmark.requireTools(System.getenv("PATH"));
    Path workDir = Files.createTempDirectory("otaflow-bench-download-");
    try {
      DownloadBenchmark.Result result = new DownloadBenchmark(sizeBytes, killPercent, workDir, System.err).run();
      System.out.print(result.describe());
      return 0;
    } finally {
      FileTrees.deleteTree(workDir);
    }
  }

  /** A positive size: {@code 1073741824}, {@code 1GiB}, {@code 512MiB}, {@code 64KiB}. */
  static final class ByteSizeConverter implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(|b|kib|mib|gib)");

    @Override
    public Long convert(String value) {
      Matcher size = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!size.matches()) {
        throw new TypeConversionException("'" + value + "' is not a size: give bytes or a number with KiB, MiB or "
            + "GiB, e.g. 1GiB");
      }
      int shift = switch (size.group(2)) {
        case "kib" -> 10;
        case "mib" -> 20;
        case "gib" -> 30;
        default -> 0;
      };
      long number = Long.parseLong(size.group(1));
      if (number == 0) {
        throw new TypeConversionException("the size must be at least 1 byte, was " + value);
      }
      if (number > Long.MAX_VALUE >> shift) {
        throw new TypeConversionException("the size " + value + " is too large");
      }
      return number << shift;
    }
  }

  /** A share of the artifact, 1-99, with or without %. */
  static final class PercentConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      String number = value.strip().endsWith("%") ? value.strip().substring(0, value.strip().length() - 1) : value;
      int percent;
      try {
        percent = Integer.parseInt(number.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a percentage: give 1-99, e.g. 50%");
      }
      if (percent < 1 || percent > 99) {
        throw new TypeConversionException("the kill point must be between 1% and 99%, was " + value);
      }
      return percent;
    }
  }
}
