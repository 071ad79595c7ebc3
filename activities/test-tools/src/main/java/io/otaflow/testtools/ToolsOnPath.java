package io.otaflow.testtools;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The outside programs tests run, found on the PATH. A missing one skips the test with a message naming the Debian
 * package to install, or fails it when OTAFLOW_REQUIRE_TOOLS=1 (as CI sets it: a skip there would hide a gap).
 */
public final class ToolsOnPath {

  private ToolsOnPath() {
  }

  /** The executable {@code binary}, from Debian's {@code debianPackage}; skips or fails the test without it. */
  public static Path require(String binary, String debianPackage) {
    Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, binary)).filter(Files::isExecutable).findFirst();
    String missing = binary + " is not on the PATH: install the Debian package " + debianPackage
        + " (apt-get install " + debianPackage + ")";
    if (found.isEmpty() && "1".equals(System.getenv("OTAFLOW_REQUIRE_TOOLS"))) {
      fail(missing + "; OTAFLOW_REQUIRE_TOOLS=1 makes this a failure");
    }
    Assumptions.assumeTrue(found.isPresent(), missing);
    return found.get();
  }
}
