package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

  @TempDir
  Path temp;

  @Test
  void recreateEmptiesADirectoryItMadeWithoutFollowingLinks() throws Exception {
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "not yours");
    Path dir = DataDirectory.recreate(temp.resolve("scratch"));
    Files.writeString(Files.createDirectories(dir.resolve("fleet/r01")).resolve("state.json"), "{}");
    Files.createSymbolicLink(dir.resolve("fleet/r01/current"), outside);

    Path again = DataDirectory.recreate(temp.resolve("scratch"));

    assertThat(again).isEqualTo(dir);
    assertThat(dir.toFile().list()).containsExactly(".otaflow-scratch");
    assertThat(outside.resolve("keep.txt")).hasContent("not yours");
  }

  @Test
  void refusesANonEmptyDirectoryItDidNotMake() throws Exception {
    Path foreign = Files.createDirectories(temp.resolve("home"));
    Files.writeString(foreign.resolve("thesis.tex"), "precious");

    assertThatThrownBy(() -> DataDirectory.recreate(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not empty and was not made by otaflow");
    assertThat(foreign.resolve("thesis.tex")).hasContent("precious");
  }
}
