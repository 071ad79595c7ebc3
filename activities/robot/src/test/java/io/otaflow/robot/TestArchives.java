package io.otaflow.robot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Hand-made .tar.gz files, including the malicious ones a release pipeline must never produce. */
final class TestArchives implements AutoCloseable {

  private final Path file;
  private final TarArchiveOutputStream tar;

  private TestArchives(Path file) throws IOException {
    this.file = file;
    OutputStream out = Files.newOutputStream(file);
    tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  static TestArchives create(Path file) throws IOException {
    return new TestArchives(file);
  }

  /** A file entry; the name is kept exactly as given, absolute or with '..'. */
  TestArchives file(String name, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(bytes.length);
    entry.setMode(0100644);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
    return this;
  }

  TestArchives symlink(String name, String target) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  TestArchives fifo(String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    return this;
  }

  Path done() throws IOException {
    close();
    return file;
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
