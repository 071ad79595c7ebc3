package io.otaflow.robot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.SlotSwitch;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One robot's disk: {@code slots/a}, {@code slots/b}, {@code current} (relative symlink to the active slot),
 * {@code staging/} and {@code state.json}. state.json is the record of intent; {@code current} is brought in
 * line with it whenever they disagree (a crash between writing the state and switching the link).
 */
public final class RobotDisk {

  public static final long DEFAULT_MAX_EXPANDED_BYTES = 1L << 30;

  private static final Logger log = LoggerFactory.getLogger(RobotDisk.class);
  /** Not the wire configuration (WireJson): state.json files already on robots must keep reading back. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path dir;

  /** Creates the layout if it is missing; an existing robot's slots and state are left as they are. */
  public RobotDisk(Path robotDir) {
    this.dir = robotDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(slot("a"));
      Files.createDirectories(slot("b"));
      Files.createDirectories(staging());
      if (!Files.exists(current(), LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createSymbolicLink(current(), Path.of("slots", readState().activeSlot()));
        } catch (FileAlreadyExistsException raced) {
          // another RobotDisk on the same directory created it first
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + dir + ": cannot create layout", e);
    }
  }

  /** Creates a robot at {@code robotDir} running {@code version}, unpacked from a real artifact (for simulators). */
  public static RobotDisk seed(Path robotDir, Path artifactTarGz, String version) {
    RobotDisk disk = new RobotDisk(robotDir);
    disk.install(artifactTarGz, version);
    return disk;
  }

  public Path dir() {
    return dir;
  }

  public Path staging() {
    return dir.resolve("staging");
  }

  /** Where release {@code version} waits, downloaded, for apply. */
  public Path stagedArtifact(String version) {
    return staging().resolve(version + ".tar.gz");
  }

  /** Where the download of release {@code version} writes until it is complete. */
  public Path partialArtifact(String version) {
    return staging().resolve(version + ".tar.gz.part");
  }

  public Path current() {
    return dir.resolve("current");
  }

  public Path stateFile() {
    return dir.resolve("state.json");
  }

  public Path slot(String name) {
    if (!"a".equals(name) && !"b".equals(name)) {
      throw new IllegalArgumentException("slot must be a or b, was " + name);
    }
    return dir.resolve("slots").resolve(name);
  }

  public static String otherSlot(String slot) {
    return "a".equals(slot) ? "b" : "a";
  }

  public RobotDiskState readState() {
    Path file = stateFile();
    if (!Files.exists(file)) {
      return RobotDiskState.fresh();
    }
    try {
      return JSON.readValue(file.toFile(), RobotDiskState.class);
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + dir + ": cannot read " + file, e);
    }
  }

  /** The slot {@code current} actually points at, read from the link. */
  public String currentSlot() {
    try {
      return Files.readSymbolicLink(current()).getFileName().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + dir + ": cannot read link " + current(), e);
    }
  }

  /**
   * Points {@code current} at {@code slot} by renaming a fresh link over it: readers see the old slot or the
   * new one, never a missing link or a half-written directory.
   */
  public void switchCurrentTo(String slot) {
    Path tmp = dir.resolve("current.tmp-" + UUID.randomUUID());
    try {
      Files.createSymbolicLink(tmp, Path.of("slots", slot(slot).getFileName().toString()));
      Files.move(tmp, current(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("robot disk " + dir + ": cannot switch current to slot " + slot, e);
    }
  }

  /** Repairs {@code current} if a crash left it behind state.json. */
  public void alignCurrentWith(RobotDiskState state) {
    if (!Files.isSymbolicLink(current()) || !state.activeSlot().equals(currentSlot())) {
      log.warn("robot disk {}: current does not match state.json, switching it to slot {}", dir, state.activeSlot());
      switchCurrentTo(state.activeSlot());
    }
  }

  /** Writes state.json through a synced temporary file and a rename, so it is never half-written. */
  public void writeState(RobotDiskState state) {
    Path tmp = dir.resolve("state.json.tmp-" + UUID.randomUUID());
    try {
      byte[] bytes = JSON.writeValueAsBytes(state);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(tmp, stateFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("robot disk " + dir + ": cannot write " + stateFile(), e);
    }
  }

  /** The bytes the files in slot {@code name} hold (links not followed). */
  public long slotBytes(String name) {
    try {
      return FileTrees.sizeOf(slot(name));
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + dir + ": cannot measure slot " + name, e);
    }
  }

  /** Empties a slot without following links, so a link in it can never delete files elsewhere. */
  public void clearSlot(String name) {
    try {
      FileTrees.deleteContents(slot(name));
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + dir + ": cannot clear slot " + name, e);
    }
  }

  private void forceSlot(String name) {
    try {
      FileTrees.forceTree(slot(name));
    } catch (IOException e) {
      throw new UncheckedIOException("robot disk " + dir + ": cannot force slot " + name + " to disk", e);
    }
  }

  /**
   * Installs and commits {@code version} from a local artifact without Temporal: how a simulated robot gets
   * its first release. Same unpacking rules as an over-the-air apply.
   */
  public SlotSwitch install(Path artifactTarGz, String version) {
    return unpackAndSwitch(artifactTarGz, version, true, DEFAULT_MAX_EXPANDED_BYTES);
  }

  /**
   * Unpacks into the inactive slot, records the new state, then switches {@code current}. On refusal the
   * inactive slot is emptied again and {@code current} and state.json stay as they were.
   */
  SlotSwitch unpackAndSwitch(Path archive, String version, boolean committed, long maxExpandedBytes) {
    return unpackAndSwitch(archive, version, committed, maxExpandedBytes, null, null, null, () -> { });
  }

  /**
   * As above, for an over-the-air apply: records {@code releaseNumber} (from the release's signed manifest) for the
   * new slot (null keeps the number the robot had, as an unsigned release does; the number replaced becomes the
   * previous slot's) and {@code updatingRollout}, the rollout applying it (null: none), and runs {@code beforeSwitch}
   * once the slot is unpacked, right before state.json and {@code current} change (apply's beforeSwitch hooks); when
   * it throws, the inactive slot is emptied and nothing else changes.
   *
   * <p>{@code sha256} (null: a local install, nothing to compare with) is compared with the hash of the very bytes
   * unpacked, taken while unpacking: verify checked the staged file earlier, but anything may have written to it
   * since (a disk fault, a process on the robot). Only the bytes checked here reach the switch.
   */
  SlotSwitch unpackAndSwitch(Path archive, String version, boolean committed, long maxExpandedBytes,
                             Long releaseNumber, String updatingRollout, String sha256, Runnable beforeSwitch) {
    RobotDiskState before = readState();
    alignCurrentWith(before);
    String from = before.activeSlot();
    String to = otherSlot(from);
    clearSlot(to);
    try {
      String unpacked = new ArchiveExtractor(maxExpandedBytes).extract(archive, slot(to));
      if (sha256 != null && !sha256.equals(unpacked)) {
        throw ApplicationFailure.newNonRetryableFailure("apply: sha256 of the unpacked archive is "
            + unpacked.substring(0, 8) + "…, release says " + sha256.substring(0, 8) + "… (" + archive
            + " changed after verify; nothing switched)", RobotErrors.CHECKSUM_MISMATCH);
      }
      ArchiveExtractor.requireVersion(slot(to), version);
      // On the disk before state.json names the slot: a power cut right after the switch must find it whole.
      forceSlot(to);
      beforeSwitch.run();
    } catch (RuntimeException e) {
      clearSlot(to);
      throw e;
    }
    // Without a previous version the old slot is empty: never offer it as a rollback target.
    boolean hadVersion = before.installedVersion() != null;
    long number = releaseNumber != null ? releaseNumber : before.releaseNumber();
    writeState(new RobotDiskState(version, to, before.installedVersion(), hadVersion ? from : null, committed,
        number, before.releaseNumber(), updatingRollout, null));
    switchCurrentTo(to);
    log.info("robot disk {}: {} unpacked into slot {}, current switched from slot {} (was {})",
        dir, version, to, from, before.installedVersion());
    return new SlotSwitch(from, to, before.installedVersion());
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // best effort cleanup of a temporary file
    }
  }

  @Override
  public String toString() {
    return "RobotDisk[" + dir + "]";
  }
}
