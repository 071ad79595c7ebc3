package io.otaflow.robotside;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.otaflow.release.Release;
import io.otaflow.robot.DownloadActivities;
import io.otaflow.robot.RobotErrors;
import io.otaflow.robot.StagedArtifact;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Downloads a release artifact over HTTP into the robot's staging area and verifies it. */
public class HttpDownloadActivities implements DownloadActivities {

  /** Where the free space figure comes from; a test substitutes a full disk. */
  @FunctionalInterface
  public interface FreeSpace {
    FreeSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

    long usableBytes(Path dir) throws IOException;
  }

  /** Room kept free beyond the artifact itself, for state.json, logs and the robot's own work. */
  public static final long SPACE_MARGIN_BYTES = 8L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(HttpDownloadActivities.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
  // The JDK client has no read timeout for a body being streamed: this closes bodies that stop moving.
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "otaflow-download-watchdog");
    thread.setDaemon(true);
    return thread;
  });

  private final RobotDisk disk;
  private final HttpClient http;
  private final FreeSpace freeSpace;
  private final Counter downloadedBytes;
  private final MeterRegistry registry;
  private final Duration stallTimeout;

  public HttpDownloadActivities(RobotDisk disk, HttpClient http) {
    this(disk, http, FreeSpace.FILE_STORE, Metrics.globalRegistry);
  }

  public HttpDownloadActivities(RobotDisk disk, HttpClient http, FreeSpace freeSpace, MeterRegistry registry) {
    this(disk, http, freeSpace, registry, DEFAULT_STALL_TIMEOUT);
  }

  /** {@code stallTimeout}: how long a body may deliver no bytes before the download is abandoned (retryable). */
  public HttpDownloadActivities(RobotDisk disk, HttpClient http, FreeSpace freeSpace, MeterRegistry registry,
      Duration stallTimeout) {
    this.stallTimeout = stallTimeout;
    this.disk = disk;
    this.http = http;
    this.freeSpace = freeSpace;
    this.registry = registry;
    this.downloadedBytes = Counter.builder("otaflow.robot.download.bytes")
        .description("Artifact bytes received by robots")
        .baseUnit("bytes")
        .register(registry);
  }

  @Override
  public StagedArtifact download(Release release) {
    requireValid(release);
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failed";
    try {
      StagedArtifact staged = stage(release);
      outcome = "ok";
      return staged;
    } finally {
      sample.stop(Timer.builder("otaflow.robot.download").tag("outcome", outcome).register(registry));
    }
  }

  private StagedArtifact stage(Release release) {
    Path staged = stagedPath(release);
    Path part = disk.staging().resolve(release.version() + ".tar.gz.part");
    // A previous attempt may have finished without its result reaching the workflow.
    if (Files.isRegularFile(staged) && size(staged) == release.sizeBytes()
        && ReleaseArtifacts.sha256Hex(staged).equals(release.sha256())) {
      log.info("robot {}: {} already staged at {}", disk.dir(), release.version(), staged);
      return new StagedArtifact(staged.toString(), release.sha256(), release.sizeBytes());
    }
    checkFreeSpace(release.sizeBytes());
    ActivityExecutionContext context = Activity.getExecutionContext();
    boolean done = false;
    try {
      String sha256 = fetch(release, part, context);
      Files.move(part, staged, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      context.heartbeat(100);
      done = true;
      log.info("robot {}: downloaded {} ({} bytes) to {}", disk.dir(), release.version(), release.sizeBytes(), staged);
      return new StagedArtifact(staged.toString(), sha256, release.sizeBytes());
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "download: cannot store " + staged + ": " + e, RobotSideErrors.DOWNLOAD_FAILED, e);
    } finally {
      if (!done) {
        // Downloads restart from zero, so a partial file is only litter.
        deleteQuietly(part);
      }
    }
  }

  private String fetch(Release release, Path part, ActivityExecutionContext context) throws IOException {
    String url = release.artifactUrl();
    long size = release.sizeBytes();
    HttpResponse<InputStream> response = send(url);
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status >= 500) {
        throw ApplicationFailure.newFailure(
            "download: HTTP " + status + " from " + url + " (server error, will retry)", RobotSideErrors.DOWNLOAD_FAILED);
      }
      if (status != 200) {
        throw ApplicationFailure.newNonRetryableFailure(
            "download: HTTP " + status + " from " + url, RobotErrors.ARTIFACT_UNAVAILABLE);
      }
      OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
      if (announced.isPresent() && announced.getAsLong() != size) {
        // The server says outright it holds a different file: retrying will fetch the same wrong one.
        throw ApplicationFailure.newNonRetryableFailure("download: server announces " + announced.getAsLong()
            + " bytes, release declares " + size + " bytes (" + url + ")", RobotErrors.SIZE_MISMATCH);
      }
      return copy(body, part, release, context);
    }
  }

  private HttpResponse<InputStream> send(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "download: cannot fetch " + url + ": " + describe(e), RobotSideErrors.DOWNLOAD_FAILED, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailureWithCause(
          "download: interrupted fetching " + url, RobotSideErrors.DOWNLOAD_FAILED, e);
    }
  }

  /** Streams at most size+1 bytes, hashing on the way, so an endless body cannot fill the disk. */
  private String copy(InputStream body, Path part, Release release, ActivityExecutionContext context)
      throws IOException {
    long size = release.sizeBytes();
    long limit = size + 1;
    MessageDigest digest = ReleaseArtifacts.sha256();
    Progress progress = new Progress(context, size);
    Watchdog watchdog = new Watchdog(body, stallTimeout);
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(part); watchdog) {
      while (total < limit) {
        int n;
        try {
          n = body.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
        } catch (IOException e) {
          if (watchdog.fired()) {
            throw stalled(release, total);
          }
          throw ApplicationFailure.newFailureWithCause("download: truncated after " + total + " of " + size
              + " bytes from " + release.artifactUrl() + " (" + describe(e) + ")", RobotSideErrors.DOWNLOAD_FAILED, e);
        }
        if (n < 0) {
          if (watchdog.fired()) {
            throw stalled(release, total);
          }
          break;
        }
        watchdog.moved();
        write(out, buffer, n, total, size);
        digest.update(buffer, 0, n);
        total += n;
        downloadedBytes.increment(n);
        progress.advance(total);
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
    return HexFormat.of().formatHex(digest.digest());
  }

  private ApplicationFailure stalled(Release release, long total) {
    return ApplicationFailure.newFailure("download: stalled, no data for " + stallTimeout.toSeconds() + "s after "
        + total + " of " + release.sizeBytes() + " bytes from " + release.artifactUrl(), RobotSideErrors.DOWNLOAD_FAILED);
  }

  private void write(OutputStream out, byte[] buffer, int n, long total, long size) throws IOException {
    try {
      out.write(buffer, 0, n);
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("No space left")) {
        throw ApplicationFailure.newNonRetryableFailureWithCause("download: disk full after " + total + " of "
            + size + " bytes in " + disk.staging(), RobotErrors.DISK_FULL, e);
      }
      throw e;
    }
  }

  private void checkFreeSpace(long size) {
    long needed = size + SPACE_MARGIN_BYTES;
    long free;
    try {
      free = freeSpace.usableBytes(disk.staging());
    } catch (IOException e) {
      throw new UncheckedIOException("download: cannot read free space of " + disk.staging(), e);
    }
    if (free < needed) {
      throw ApplicationFailure.newNonRetryableFailure(
          "download: needs " + needed + " bytes, only " + free + " free on " + disk.staging(), RobotErrors.DISK_FULL);
    }
  }

  @Override
  public void verify(Release release, StagedArtifact artifact) {
    requireValid(release);
    Path file = Path.of(artifact.path()).toAbsolutePath().normalize();
    if (!file.startsWith(disk.staging()) || !Files.isRegularFile(file)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "verify: staged artifact missing: " + file, RobotSideErrors.ARTIFACT_MISSING);
    }
    long actualSize = size(file);
    if (actualSize != release.sizeBytes()) {
      deleteQuietly(file);
      throw ApplicationFailure.newNonRetryableFailure("verify: size mismatch: expected " + release.sizeBytes()
          + " bytes, got " + actualSize, RobotErrors.SIZE_MISMATCH);
    }
    String actual = ReleaseArtifacts.sha256Hex(file);
    if (!actual.equals(release.sha256())) {
      deleteQuietly(file);
      log.warn("robot {}: {} failed verification, deleted {}", disk.dir(), release.version(), file);
      throw ApplicationFailure.newNonRetryableFailure("verify: sha256 mismatch: expected "
          + release.sha256().substring(0, 8) + "…, got " + actual.substring(0, 8) + "…", RobotErrors.CHECKSUM_MISMATCH);
    }
    log.info("robot {}: {} verified (sha256 {})", disk.dir(), release.version(), actual);
  }

  private Path stagedPath(Release release) {
    return disk.staging().resolve(release.version() + ".tar.gz");
  }

  /** The version becomes a file name: only a validated release may reach the disk. */
  static void requireValid(Release release) {
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

  /** The JDK client wraps the telling cause ("fixed content-length: N, bytes received: M") in a bare "closed". */
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

  /** Closes the body when no byte arrived for the stall timeout, which unblocks the reading thread. */
  private static final class Watchdog implements AutoCloseable {
    private final InputStream body;
    private final long stallNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastMoveNanos = System.nanoTime();
    private volatile boolean fired;

    Watchdog(InputStream body, Duration stallTimeout) {
      this.body = body;
      this.stallNanos = stallTimeout.toNanos();
      long period = Math.max(50, Math.min(1000, stallTimeout.toMillis() / 4));
      this.check = WATCHDOG.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    void moved() {
      lastMoveNanos = System.nanoTime();
    }

    boolean fired() {
      return fired;
    }

    private void check() {
      if (!fired && System.nanoTime() - lastMoveNanos > stallNanos) {
        fired = true;
        try {
          body.close();
        } catch (IOException | RuntimeException e) {
          log.debug("closing a stalled download body failed: {}", e.toString());
        }
      }
    }

    @Override
    public void close() {
      check.cancel(false);
    }
  }

  /** Heartbeats the percentage at most once a second or every 5 percent, whichever comes first. */
  private static final class Progress {
    private final ActivityExecutionContext context;
    private final long size;
    private long lastBeatNanos = System.nanoTime();
    private int lastPercent = 0;

    Progress(ActivityExecutionContext context, long size) {
      this.context = context;
      this.size = size;
    }

    void advance(long bytes) {
      int percent = (int) Math.min(100, bytes * 100 / size);
      long now = System.nanoTime();
      if (percent >= lastPercent + 5 || now - lastBeatNanos >= 1_000_000_000L) {
        context.heartbeat(percent);
        lastPercent = percent;
        lastBeatNanos = now;
      }
    }
  }
}
