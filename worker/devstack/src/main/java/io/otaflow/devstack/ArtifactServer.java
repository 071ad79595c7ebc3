package io.otaflow.devstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves release artifacts from one directory over HTTP on 127.0.0.1: GET and HEAD, and single open-ended
 * {@code Range: bytes=N-} requests answered 206, so a robot can resume an interrupted download. Counts the bytes it
 * serves per file and can be throttled, for tests that interrupt a download.
 */
public final class ArtifactServer implements AutoCloseable {

  private static final Pattern OPEN_RANGE = Pattern.compile("^bytes=(\\d+)-$");

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, AtomicLong> bytesServed = new ConcurrentHashMap<>();
  private volatile long bytesPerSecond;

  private ArtifactServer(Path root, HttpServer server, ExecutorService executor) {
    this.root = root;
    this.server = server;
    this.executor = executor;
  }

  /** Serves {@code directory} on a free port. */
  public static ArtifactServer start(Path directory) {
    try {
      Path root = directory.toAbsolutePath().normalize();
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      // Robots download in parallel (up to a plan's maxParallel); a cached pool keeps one slow reader from stalling all.
      ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "artifact-server");
        thread.setDaemon(true);
        return thread;
      });
      ArtifactServer artifacts = new ArtifactServer(root, server, executor);
      server.createContext("/", artifacts::handle);
      server.setExecutor(executor);
      server.start();
      return artifacts;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the artifact server", e);
    }
  }

  /** The URL robots download {@code fileName} from. */
  public String url(String fileName) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + fileName;
  }

  public Path directory() {
    return root;
  }

  /** Body bytes sent so far for {@code fileName}, over every request (full and ranged); for tests and figures. */
  public long bytesServed(String fileName) {
    AtomicLong count = bytesServed.get(fileName);
    return count == null ? 0 : count.get();
  }

  /**
   * {@link #bytesServed} once it has not changed for a second, at most 10 s: a chunk being written when its client
   * died may still be counted.
   */
  public long bytesServedOnceSettled(String fileName) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long last = bytesServed(fileName);
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long now = bytesServed(fileName);
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * Limits every body to about {@code bytesPerSecond} (0: unlimited), so that in a test a download lasts long enough
   * to be interrupted. Applies to requests that start afterwards.
   */
  public ArtifactServer throttle(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 0: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    return this;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String name = URLDecoder.decode(exchange.getRequestURI().getRawPath().substring(1), StandardCharsets.UTF_8);
      Path file = root.resolve(name).normalize();
      if (name.isEmpty() || !file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      serve(exchange, file, name, method.equals("HEAD"));
    }
  }

  private void serve(HttpExchange exchange, Path file, String name, boolean headOnly) throws IOException {
    long length = Files.size(file);
    long from = 0;
    int status = 200;
    exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null) {
      Matcher open = OPEN_RANGE.matcher(range.trim());
      if (!open.matches() || Long.parseLong(open.group(1)) >= length) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + length);
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      from = Long.parseLong(open.group(1));
      status = 206;
      exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (length - 1) + "/" + length);
    }
    long count = length - from;
    exchange.getResponseHeaders().set("Content-Length", Long.toString(count));
    if (headOnly) {
      // -1: no body follows; Content-Length above still tells the client the size.
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, count);
    AtomicLong served = bytesServed.computeIfAbsent(name, unused -> new AtomicLong());
    long rate = bytesPerSecond;
    // Throttled: a tenth of the rate every 100 ms. Each chunk is flushed before it counts as served.
    byte[] buffer = new byte[rate > 0 ? (int) Math.max(1, Math.min(64 * 1024, rate / 10)) : 64 * 1024];
    try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
      in.skipNBytes(from);
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        out.flush();
        served.addAndGet(n);
        if (rate > 0) {
          pause(n * 1000L / rate);
        }
      }
    }
  }

  private static void pause(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("artifact server stopping", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
