package io.otaflow.robot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes, measures and forces directory trees without following symbolic links: a link is deleted as a link, so a
 * link inside a tree (a robot's {@code current}, or one planted in an archive) can never make a delete reach files
 * outside it.
 */
public final class FileTrees {

  private FileTrees() {
  }

  /** Deletes {@code root} and everything below it. */
  public static void deleteTree(Path root) throws IOException {
    delete(root, false);
  }

  /** Deletes everything below {@code root} and keeps {@code root} itself, empty. */
  public static void deleteContents(Path root) throws IOException {
    delete(root, true);
  }

  /** The bytes of the regular files below {@code root}; links are not followed, so nothing outside is counted. */
  public static long sizeOf(Path root) throws IOException {
    long[] bytes = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          bytes[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return bytes[0];
  }

  /**
   * Forces every regular file and directory below {@code root}, and {@code root}, to the disk (links are not
   * followed: their target is outside, or reached anyway). Directories last, once their entries are.
   */
  public static void forceTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (attrs.isRegularFile()) {
          force(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        force(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void delete(Path root, boolean keepRoot) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        if (!(keepRoot && dir.equals(root))) {
          Files.delete(dir);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
