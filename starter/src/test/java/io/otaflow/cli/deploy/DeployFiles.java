package io.otaflow.cli.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's deploy files, read as tests check them. */
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
}
