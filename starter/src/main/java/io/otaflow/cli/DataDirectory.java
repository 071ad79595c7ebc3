package io.otaflow.cli;

import io.otaflow.robot.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The scratch directory a demo or benchmark owns: emptied at the start of every run so runs never mix. A marker file
 * proves otaflow made it, so a mistyped {@code --data-dir} pointing at someone's files is refused, not wiped.
 */
public final class DataDirectory {

  private static final String MARKER = ".otaflow-scratch";

  private DataDirectory() {
  }

  public static Path recreate(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(absolute)) {
        if (!isEmpty(absolute) && !Files.exists(absolute.resolve(MARKER))) {
          throw new IllegalArgumentException("data directory " + absolute
              + " is not empty and was not made by otaflow; choose another --data-dir");
        }
        // Symlinks (each robot's current) are deleted as links, never followed.
        FileTrees.deleteTree(absolute);
      }
      Files.createDirectories(absolute);
      Files.createFile(absolute.resolve(MARKER));
      return absolute;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recreate data directory " + absolute, e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
