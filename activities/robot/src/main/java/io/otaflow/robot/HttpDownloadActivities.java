package io.otaflow.robot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otaflow.release.Release;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.robotupdate.StagedArtifact;
import io.otaflow.signing.ArtifactDigest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Downloads a release artifact over HTTP into the robot's staging area and verifies it. */
public class HttpDownloadActivities implements DownloadActivities {

  /** Where the free space figure comes from: the staging area's file store on a robot. */
  @FunctionalInterface
  public interface FreeSpace {
    FreeSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

    long usableBytes(Path dir) throws IOException;
  }

  /** Room kept free beyond the artifact itself, for state.json, logs and the robot's own work. */
  public static final long SPACE_MARGIN_BYTES = 8L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(HttpDownloadActivities.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d+)-\\d+/(?:\\d+|\\*)$");
  // Forces partial files to disk while downloads go on; one thread: forces of one disk do not go faster side by side.
  private static final ExecutorService FORCER = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "otaflow-download-force");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * When a download is abandoned (retryable, the partial file kept for the next attempt): a body that delivers no
   * bytes for {@code stallTimeout}, or averages less than {@code minBytesPerSecond} over {@code rateWindow} (0 turns
   * the rate check off).
   */
  public record Limits(Duration stallTimeout, long minBytesPerSecond, Duration rateWindow) {

    /** What a robot uses: 30 s without a byte, or under 1 KiB/s over 30 s. */
    public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(30), 1024, Duration.ofSeconds(30));

    public Limits {
      if (minBytesPerSecond < 0 || rateWindow.isNegative() || rateWindow.isZero()) {
        throw new IllegalArgumentException("download limits need minBytesPerSecond >= 0 and a positive rate window");
      }
    }
  }

  private final RobotDisk disk;
  private final FreeSpace freeSpace;
  private final Counter downloadedBytes;
  private final MeterRegistry registry;
  private final Limits limits;
  private final ReleaseManifestCheck manifestCheck;

  /**
   * @param freeSpace     where the free space of the staging area is read
   * @param limits        when a download that stopped moving is abandoned
   * @param manifestCheck how {@code verify} checks the release's signed manifest (the robot's trusted keys)
   */
  public HttpDownloadActivities(RobotDisk disk, FreeSpace freeSpace, MeterRegistry registry,
                                Limits limits, ReleaseManifestCheck manifestCheck) {
    this.disk = disk;
    this.freeSpace = freeSpace;
    this.registry = registry;
    this.limits = Objects.requireNonNull(limits, "limits");
    this.manifestCheck = Objects.requireNonNull(manifestCheck, "manifestCheck");
    this.downloadedBytes = Counter.builder("otaflow.agent.download.bytes")
        .description("Artifact bytes received by robots")
        .baseUnit("bytes")
        .register(registry);
  }

  @Override
  public StagedArtifact download(Release release) {
    requireValid("download", release);
    UpdatingRollout.requireNoOther("download", disk.readState(), UpdatingRollout.ofCurrentStep());
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failed";
    try {
      StagedArtifact staged = stage(release);
      outcome = "ok";
      return staged;
    } finally {
      sample.stop(Timer.builder("otaflow.agent.download.duration").tag("outcome", outcome).register(registry));
    }
  }

  private StagedArtifact stage(Release release) {
    Path staged = disk.stagedArtifact(release.version());
    Path part = disk.partialArtifact(release.version());
    DurableOffset durable = DurableOffset.of(part);
    removeSuperseded(release, staged, part, durable.file());
    // A previous attempt may have finished without its result reaching the workflow.
    if (Files.isRegularFile(staged) && size(staged) == release.sizeBytes()
        && ArtifactDigest.sha256Hex(staged).equals(release.sha256())) {
      log.info("robot {}: {} already staged at {}", disk.dir(), release.version(), staged);
      return new StagedArtifact(staged.toString(), release.sha256(), release.sizeBytes());
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    try {
      checkFreeSpace(release.sizeBytes());
      Resume resume = resumePoint(release, part, durable, context);
      String sha256 = fetch(release, part, durable, resume, context);
      Files.move(part, staged, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      deleteQuietly(durable.file());
      log.info("robot {}: downloaded {} ({} bytes) to {}", disk.dir(), release.version(), release.sizeBytes(), staged);
      return new StagedArtifact(staged.toString(), sha256, release.sizeBytes());
    } catch (ApplicationFailure e) {
      if (e.isNonRetryable()) {
        // No attempt will resume from the partial file, and a staged file that failed the check above is not this
        // release: both are only litter.
        deleteQuietly(part);
        deleteQuietly(durable.file());
        deleteQuietly(staged);
      }
      throw e;
    } catch (ActivityCanceledException e) {
      deleteQuietly(part);
      deleteQuietly(durable.file());
      throw e;
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "download: cannot store " + staged + ": " + e, RobotSideErrors.DOWNLOAD_FAILED, e);
    }
  }

  /**
   * Staging holds at most the download in progress: artifacts of other versions (refused, abandoned or finished by an
   * earlier update) go. This release's own files stay: the staged one may be complete, the partial one resumes (with
   * the record of its durable offset).
   */
  private void removeSuperseded(Release release, Path... own) {
    List<Path> keep = List.of(own);
    try (Stream<Path> entries = Files.list(disk.staging())) {
      for (Path entry : entries.filter(entry -> !keep.contains(entry)).toList()) {
        FileTrees.deleteTree(entry);
        log.info("robot {}: removed {} from staging, superseded by {}", disk.dir(), entry.getFileName(),
            release.version());
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause("download: cannot clear " + disk.staging() + ": " + e,
          RobotSideErrors.DOWNLOAD_FAILED, e);
    }
  }

  /**
   * Where this attempt starts. The agent alone restarted (the record beside the partial file is of this boot): every
   * byte the previous attempt wrote is in the file, which resumes at its length. The robot restarted, or nothing says
   * when the bytes were written: only bytes forced to disk count, by the larger of the offset recorded beside the file
   * and the one heartbeated, when the file still holds them.
   */
  private Resume resumePoint(Release release, Path part, DurableOffset durable, ActivityExecutionContext context)
      throws IOException {
    if (!Files.isRegularFile(part)) {
      return Resume.fromStart();
    }
    long onDisk = size(part);
    long heartbeated = heartbeatedOffset(context);
    Optional<DurableOffset.Recorded> recorded = durable.read();
    long written = recorded.filter(DurableOffset.Recorded::writtenThisBoot).map(sameBoot -> onDisk).orElse(0L);
    long forced = recorded.map(DurableOffset.Recorded::forced).orElse(0L);
    long offset = LongStream.of(written, heartbeated, forced)
        .filter(candidate -> candidate > 0 && candidate <= release.sizeBytes() && candidate <= onDisk)
        .max().orElse(0);
    if (offset == 0) {
      return Resume.fromStart();
    }
    log.info("robot {}: resuming {} at byte {} of {} (written this boot {}, forced {}, heartbeat {})", disk.dir(),
        release.version(), offset, release.sizeBytes(), written, forced, heartbeated);
    // The bytes kept are hashed again (at the JDK's speed, faster than any download): nothing to carry.
    return new Resume(offset, ArtifactDigest.sha256OfFirstBytes(part, offset));
  }

  /**
   * The offset of the previous attempt's last heartbeat the server holds, 0 if none. Older agents' details (with a
   * serialized digest state beside the offset) read the same: the state is not needed, the bytes are re-hashed.
   */
  private static long heartbeatedOffset(ActivityExecutionContext context) {
    try {
      return context.getHeartbeatDetails(DownloadProgress.class).map(DownloadProgress::offset).orElse(0L);
    } catch (RuntimeException unreadable) {
      // Details of another shape (a bare percentage): nothing to resume from.
      return 0;
    }
  }

  private String fetch(Release release, Path part, DurableOffset durable, Resume resume,
                       ActivityExecutionContext context)
      throws IOException {
    String url = release.artifactUrl();
    long size = release.sizeBytes();
    if (resume.offset() == size) {
      // Every byte was on disk already; only the rename was missing.
      return copy(InputStream.nullInputStream(), part, durable, resume, release, context);
    }
    Response response = send(url, resume.offset());
    int status = response.status();
    if (resume.offset() > 0 && (status == 200 || status == 416 || status == 206 && !rangeStartsAt(response,
        resume.offset()))) {
      // The server ignored the range (200), cannot serve it (416) or served another one: start over from byte 0.
      log.info("robot {}: {} answered HTTP {} to a range from byte {}, downloading from the start", disk.dir(), url,
          status, resume.offset());
      resume = Resume.fromStart();
      if (status != 200) {
        response.close();
        response = send(url, 0);
        status = response.status();
      }
    }
    try (Response answered = response) {
      if (status >= 500) {
        throw ApplicationFailure.newFailure(
            "download: HTTP " + status + " from " + url + " (server error, will retry)", RobotSideErrors.DOWNLOAD_FAILED);
      }
      if (status != (resume.offset() > 0 ? 206 : 200)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "download: HTTP " + status + " from " + url, RobotErrors.ARTIFACT_UNAVAILABLE);
      }
      OptionalLong announced = answered.contentLength();
      long expected = size - resume.offset();
      if (announced.isPresent() && announced.getAsLong() != expected) {
        // The server says outright it holds a different file: retrying will fetch the same wrong one.
        String what = resume.offset() > 0
            ? "announces " + announced.getAsLong() + " bytes from byte " + resume.offset()
            : "announces " + announced.getAsLong() + " bytes";
        throw ApplicationFailure.newNonRetryableFailure("download: server " + what + ", release declares " + size
            + " bytes (" + url + ")", RobotErrors.SIZE_MISMATCH);
      }
      return copy(answered.body(), part, durable, resume, release, context);
    }
  }

  private static boolean rangeStartsAt(Response response, long offset) {
    Matcher range = CONTENT_RANGE.matcher(response.header("Content-Range"));
    return range.matches() && Long.parseLong(range.group(1)) == offset;
  }

  /**
   * A blocking HTTP/1.1 request: the body is read on the activity's thread straight from the socket. (The JDK's
   * HttpClient hands each 16 KiB of a body from thread to thread: 5-10 times slower on a loaded 2-core machine.)
   * Redirects are not followed and no proxy is used, as before with HttpClient's defaults.
   */
  private Response send(String url, long offset) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      // No byte for this long, headers or body, is a stall: the read throws SocketTimeoutException.
      connection.setReadTimeout((int) limits.stallTimeout().toMillis());
      connection.setInstanceFollowRedirects(false);
      if (offset > 0) {
        connection.setRequestProperty("Range", "bytes=" + offset + "-");
      }
      return new Response(connection, connection.getResponseCode());
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "download: cannot fetch " + url + ": " + describe(e), RobotSideErrors.DOWNLOAD_FAILED, e);
    }
  }

  /** The status and headers of an answer, and its body. */
  private record Response(HttpURLConnection connection, int status) implements AutoCloseable {

    InputStream body() throws IOException {
      return connection.getInputStream();
    }

    String header(String name) {
      return String.valueOf(connection.getHeaderField(name));
    }

    OptionalLong contentLength() {
      long length = connection.getContentLengthLong();
      return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
    }

    /** Closes the socket: a body not read to its end is neither drained nor kept for another request. */
    @Override
    public void close() {
      connection.disconnect();
    }
  }

  /**
   * Appends the body to the partial file from the resume offset, hashing on the way, and streams at most size+1
   * bytes in all so an endless body cannot fill the disk. Records and heartbeats how many bytes are forced to
   * disk (see {@link Progress}).
   */
  private String copy(InputStream body, Path part, DurableOffset durable, Resume resume, Release release,
                      ActivityExecutionContext context) throws IOException {
    long size = release.sizeBytes();
    long limit = size + 1;
    MessageDigest digest = resume.digest();
    long total = resume.offset();
    RateCheck rate = new RateCheck(limits.minBytesPerSecond(), limits.rateWindow(), total);
    byte[] buffer = new byte[64 * 1024];
    try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         Progress progress = new Progress(context, durable, part, size)) {
      out.truncate(total);
      out.position(total);
      // A record left by an earlier attempt may name more bytes than this one keeps.
      durable.record(total);
      while (total < limit) {
        int n;
        try {
          n = body.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
        } catch (SocketTimeoutException e) {
          throw stalled(release, total);
        } catch (IOException e) {
          throw ApplicationFailure.newFailureWithCause("download: truncated after " + total + " of " + size
              + " bytes from " + release.artifactUrl() + " (" + describe(e) + ")", RobotSideErrors.DOWNLOAD_FAILED, e);
        }
        if (n < 0) {
          break;
        }
        write(out, buffer, n, total, size);
        digest.update(buffer, 0, n);
        total += n;
        downloadedBytes.increment(n);
        progress.advance(total);
        rate.check(total, release);
      }
    }
    if (total > size) {
      throw ApplicationFailure.newNonRetryableFailure("download: server sent more than the declared " + size
          + " bytes from " + release.artifactUrl(), RobotErrors.SIZE_MISMATCH);
    }
    if (total < size) {
      throw ApplicationFailure.newFailure("download: truncated after " + total + " of " + size
          + " bytes from " + release.artifactUrl(), RobotSideErrors.DOWNLOAD_FAILED);
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (resume.offset() > 0 && !sha256.equals(release.sha256())) {
      // The bytes kept from an earlier attempt are suspect (a disk fault, another writer): one clean attempt from
      // byte 0 settles whether the artifact itself is wrong, which verify then refuses.
      Files.delete(part);
      Files.deleteIfExists(durable.file());
      throw ApplicationFailure.newFailure("download: sha256 of " + release.version() + " resumed at byte "
          + resume.offset() + " does not match the release, partial file discarded; the next attempt starts from"
          + " byte 0", RobotSideErrors.DOWNLOAD_FAILED);
    }
    return sha256;
  }

  private ApplicationFailure stalled(Release release, long total) {
    return ApplicationFailure.newFailure("download: stalled, no data for " + limits.stallTimeout().toSeconds() + "s after "
        + total + " of " + release.sizeBytes() + " bytes from " + release.artifactUrl(), RobotSideErrors.DOWNLOAD_FAILED);
  }

  private void write(FileChannel out, byte[] buffer, int n, long total, long size) throws IOException {
    try {
      ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
      while (chunk.hasRemaining()) {
        out.write(chunk);
      }
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("No space left")) {
        throw ApplicationFailure.newNonRetryableFailureWithCause("download: disk full after " + total + " of "
            + size + " bytes in " + disk.staging(), RobotErrors.DISK_FULL, e);
      }
      throw e;
    }
  }

  /**
   * The download must fit in the free space now. The whole update must fit once apply has emptied the inactive slot
   * to unpack into it: the staged artifact and at least as many bytes unpacked (archives expand), so what that slot
   * holds counts as room. The slot is measured only when the free space alone falls short: walking it takes a while.
   */
  private void checkFreeSpace(long size) {
    long free;
    try {
      free = freeSpace.usableBytes(disk.staging());
    } catch (IOException e) {
      throw new UncheckedIOException("download: cannot read free space of " + disk.staging(), e);
    }
    long downloadNeeds = size + SPACE_MARGIN_BYTES;
    if (free < downloadNeeds) {
      throw ApplicationFailure.newNonRetryableFailure("download: needs " + downloadNeeds + " bytes, only " + free
          + " free on " + disk.staging(), RobotErrors.DISK_FULL);
    }
    long updateNeeds = 2 * size + SPACE_MARGIN_BYTES;
    if (free >= updateNeeds) {
      return;
    }
    String inactiveSlot = RobotDisk.otherSlot(disk.readState().activeSlot());
    long reclaimable = disk.slotBytes(inactiveSlot);
    if (free + reclaimable < updateNeeds) {
      throw ApplicationFailure.newNonRetryableFailure("download: the update needs " + updateNeeds
          + " bytes (the artifact, then as much unpacked), only " + free + " free on " + disk.staging() + " and "
          + reclaimable + " in inactive slot " + inactiveSlot + ", which apply empties", RobotErrors.DISK_FULL);
    }
  }

  /**
   * Checks the staged file's size, the SHA-256 the download measured as the bytes streamed to disk, and the signed
   * manifest. The file is not read again: apply hashes every byte it unpacks and switches nothing unless that hash is
   * the release's, so what runs is what was checked here, however long the robot waits in between.
   */
  @Override
  public void verify(Release release, StagedArtifact artifact) {
    requireValid("verify", release);
    Path file = Path.of(artifact.path()).toAbsolutePath().normalize();
    if (!file.startsWith(disk.staging()) || !Files.isRegularFile(file)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "verify: staged artifact missing: " + file, RobotSideErrors.ARTIFACT_MISSING);
    }
    try {
      checkContent(release, file, artifact.sha256());
    } catch (ApplicationFailure refused) {
      // Every refusal of the check is final: nothing will apply this file.
      deleteQuietly(file);
      throw refused;
    }
    log.info("robot {}: {} verified (sha256 {})", disk.dir(), release.version(), artifact.sha256());
  }

  /** Size, SHA-256 as downloaded, then the signed manifest. */
  private void checkContent(Release release, Path file, String downloadedSha256) {
    long actualSize = size(file);
    if (actualSize != release.sizeBytes()) {
      throw ApplicationFailure.newNonRetryableFailure("verify: size mismatch: expected " + release.sizeBytes()
          + " bytes, got " + actualSize, RobotErrors.SIZE_MISMATCH);
    }
    if (!release.sha256().equals(downloadedSha256)) {
      throw ApplicationFailure.newNonRetryableFailure("verify: sha256 mismatch: expected "
          + release.sha256().substring(0, 8) + "…, got " + downloadedSha256.substring(0, 8) + "…",
          RobotErrors.CHECKSUM_MISMATCH);
    }
    manifestCheck.check(release, downloadedSha256, disk.readState());
  }

  /**
   * A valid archive release: the version becomes a file name, so only a validated release may reach the disk; a
   * container image is refused, naming {@code step}.
   */
  static void requireValid(String step, Release release) {
    requireValidRelease(release);
    if (release.hasImage()) {
      throw ApplicationFailure.newNonRetryableFailure(step + ": release " + release.version()
          + " is a container image (" + release.image() + "); this robot installs archives only (no container app "
          + "in its agent.yaml)",
          RobotSideErrors.UNSUPPORTED_ARTIFACT);
    }
  }

  /** Refuses, non-retryable, a release that does not validate: its fields reach file names and engine calls. */
  static void requireValidRelease(Release release) {
    try {
      release.validate();
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "ReleaseInvalid");
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A wrapping exception can hide the telling cause behind a bare message: name the cause when there is one. */
  private static String describe(Exception e) {
    Throwable telling = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
    String name = telling.getClass().getSimpleName();
    return telling.getMessage() == null ? name : name + ": " + telling.getMessage();
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", path, e.toString());
    }
  }

  /** Where an attempt starts: the offset in the partial file and the hash state of the bytes before it. */
  private record Resume(long offset, MessageDigest digest) {
    static Resume fromStart() {
      return new Resume(0, ArtifactDigest.sha256());
    }
  }

  /**
   * Heartbeats at each new percent or 200 ms (the SDK throttles what reaches the server) with the offset of the bytes
   * last forced to disk and the share written so far (what people see), and records the forced offset beside the
   * partial file. Forces on a thread of its own, through a channel of its own, at most once a second: the download
   * never waits for the disk, not even at its end (on a loopback link waiting made a 1 GiB download twice as slow as
   * curl), and rare forces keep the file system's journal from stalling its writes. The forces only bound what a power
   * cut costs the next attempt: a restarted agent resumes from every byte written (see {@link DurableOffset}), and
   * apply hashes every byte it unpacks, so a staged file a power cut damaged is refused, never installed.
   */
  private static final class Progress implements AutoCloseable {
    private static final long FORCE_INTERVAL_NANOS = 1_000_000_000L;
    /** The SDK sends at most one heartbeat every few seconds: handing it one per chunk only costs time. */
    private static final long HEARTBEAT_INTERVAL_NANOS = 200_000_000L;
    private final ActivityExecutionContext context;
    private final DurableOffset record;
    private final Path part;
    private final long size;
    /** The first chunk is forced at once, so even a short attempt leaves a record. */
    private long lastForceNanos = System.nanoTime() - FORCE_INTERVAL_NANOS;
    private long lastHeartbeatNanos;
    private int lastPercent = -1;
    private CompletableFuture<Long> pending = CompletableFuture.completedFuture(null);
    private long forced;
    /** Set once the attempt ended: a force still running records nothing (the file may be staged or abandoned). */
    private boolean closed;

    Progress(ActivityExecutionContext context, DurableOffset record, Path part, long size) {
      this.context = context;
      this.record = record;
      this.part = part;
      this.size = size;
    }

    /** {@code bytes} are written (not yet forced). */
    void advance(long bytes) throws IOException {
      if (pending.isDone()) {
        collect();
        if (System.nanoTime() - lastForceNanos >= FORCE_INTERVAL_NANOS) {
          lastForceNanos = System.nanoTime();
          // Everything written so far is in the file before the force starts: forced, it is durable.
          pending = CompletableFuture.supplyAsync(() -> force(bytes), FORCER);
        }
      }
      int percent = percent(bytes);
      long now = System.nanoTime();
      if (percent != lastPercent || now - lastHeartbeatNanos >= HEARTBEAT_INTERVAL_NANOS) {
        lastPercent = percent;
        lastHeartbeatNanos = now;
        context.heartbeat(new DownloadProgress(forced, percent));
      }
    }

    private void collect() throws IOException {
      try {
        Long done = pending.join();
        if (done != null) {
          forced = done;
        }
      } catch (CompletionException e) {
        if (e.getCause() instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        throw e;
      }
    }

    /** Returns {@code bytes} once they are forced and recorded; null when the attempt ended meanwhile. */
    private Long force(long bytes) {
      try (FileChannel own = FileChannel.open(part, StandardOpenOption.WRITE)) {
        own.force(false);
        synchronized (this) {
          if (closed) {
            return null;
          }
          record.record(bytes);
        }
        return bytes;
      } catch (NoSuchFileException finished) {
        // Staged or discarded meanwhile: nothing left to record.
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private int percent(long bytes) {
      return (int) Math.min(100, bytes * 100 / size);
    }

    @Override
    public synchronized void close() {
      closed = true;
    }
  }

  /** Refuses a body whose average rate over the last window is below the minimum (retryable: the next may be fast). */
  private static final class RateCheck {
    private final long minBytesPerSecond;
    private final long windowNanos;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    RateCheck(long minBytesPerSecond, Duration window, long startBytes) {
      this.minBytesPerSecond = minBytesPerSecond;
      this.windowNanos = window.toNanos();
      samples.add(new long[] {System.nanoTime(), startBytes});
    }

    void check(long bytes, Release release) {
      if (minBytesPerSecond <= 0) {
        return;
      }
      long now = System.nanoTime();
      if (now - samples.peekLast()[0] >= 100_000_000L) {
        samples.addLast(new long[] {now, bytes});
      }
      // Keep the newest sample that is at least a window old: the window's start.
      while (samples.size() > 1) {
        Iterator<long[]> oldest = samples.iterator();
        oldest.next();
        if (now - oldest.next()[0] < windowNanos) {
          break;
        }
        samples.removeFirst();
      }
      long[] first = samples.peekFirst();
      long elapsed = now - first[0];
      if (elapsed < windowNanos) {
        return;
      }
      long rate = (long) ((bytes - first[1]) * 1e9 / elapsed);
      if (rate < minBytesPerSecond) {
        throw ApplicationFailure.newFailure("download: too slow, " + rate + " B/s below the minimum "
            + minBytesPerSecond + " B/s after " + bytes + " of " + release.sizeBytes() + " bytes from "
            + release.artifactUrl(), RobotSideErrors.DOWNLOAD_FAILED);
      }
    }
  }
}
