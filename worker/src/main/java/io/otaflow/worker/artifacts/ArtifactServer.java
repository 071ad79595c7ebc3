package io.otaflow.worker.artifacts;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves release artifacts from one directory over HTTP on 127.0.0.1: GET and HEAD, and single open-ended
 * {@code Range: bytes=N-} requests answered 206, so a robot can resume an interrupted download.
 */
public final class ArtifactServer implements AutoCloseable {

  private static final Pattern OPEN_RANGE = Pattern.compile("^bytes=(\\d+)-$");

  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor;

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
      serve(exchange, file, method.equals("HEAD"));
    }
  }

  private static void serve(HttpExchange exchange, Path file, boolean headOnly) throws IOException {
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
    try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
      in.skipNBytes(from);
      in.transferTo(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
