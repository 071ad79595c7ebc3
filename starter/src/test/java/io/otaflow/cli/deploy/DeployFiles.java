package io.otaflow.cli.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The repository's deploy files and the external tools that check them. */
final class DeployFiles {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DeployFiles() {
  }

  /** The repository root: the first directory up from the working directory that holds deploy/ and pom.xml. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root (deploy/ and pom.xml) above " + Path.of("").toAbsolutePath());
  }

  static Path file(String relativePath) {
    Path file = repositoryRoot().resolve(relativePath);
    if (!Files.isRegularFile(file)) {
      fail("missing " + relativePath);
    }
    return file;
  }

  static JsonNode yaml(String relativePath) {
    try {
      return YAML.readTree(file(relativePath).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The executable {@code binary} on PATH. Absent, the test is skipped naming the Debian package that has it, or fails
   * when OTAFLOW_REQUIRE_TOOLS=1 (CI installs every tool and must not skip).
   */
  static Path requireTool(String binary, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = binary + " not found on PATH: install the Debian package " + debianPackage
        + " (apt-get install -y " + debianPackage + ")";
    if ("1".equals(System.getenv("OTAFLOW_REQUIRE_TOOLS"))) {
      fail(message + "; OTAFLOW_REQUIRE_TOOLS=1 makes its absence a failure");
    }
    Assumptions.abort(message);
    return null;
  }
}
