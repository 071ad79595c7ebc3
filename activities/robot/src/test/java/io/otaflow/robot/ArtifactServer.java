package io.otaflow.robot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A real HTTP server on 127.0.0.1 serving artifacts the way good and bad servers do. */
final class ArtifactServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  ArtifactServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Serves the file with a correct Content-Length. */
  String file(String path, Path file) {
    return handle(path, exchange -> send(exchange, Files.readAllBytes(file), true));
  }

  /** Serves bytes without Content-Length (chunked), so only the body's end tells the size. */
  String chunked(String path, byte[] body) {
    return handle(path, exchange -> send(exchange, body, false));
  }

  /** Announces the full length, sends only the first {@code sent} bytes and drops the connection. */
  String closesEarly(String path, byte[] body, int sent) {
    return handle(path, exchange -> {
      sendPart(exchange, body, sent);
      // A handler that throws makes the JDK server close the connection mid-body.
      throw new IOException("simulated connection drop");
    });
  }

  /** Announces the full length, sends {@code sent} bytes, then goes silent for a long time. */
  String stalls(String path, byte[] body, int sent) {
    return handle(path, exchange -> {
      sendPart(exchange, body, sent);
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("stalled handler stopped");
    });
  }

  String status(String path, int status) {
    return handle(path, exchange -> {
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
  }

  String bytes(String path, byte[] body) {
    return handle(path, exchange -> send(exchange, body, true));
  }

  /**
   * Serves {@code body} answering {@code Range: bytes=N-} with 206 (or ignoring it with a full 200 when
   * {@code honoursRange} is false), at most {@code bytesPerSecond} (0: unthrottled); counts what it sends.
   */
  Ranged ranged(String path, byte[] body, boolean honoursRange, long bytesPerSecond) {
    Ranged ranged = new Ranged(url(path));
    handle(path, exchange -> {
      String range = exchange.getRequestHeaders().getFirst("Range");
      ranged.ranges.add(String.valueOf(range));
      int from = 0;
      if (range != null && honoursRange) {
        from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      }
      exchange.sendResponseHeaders(from > 0 ? 206 : 200, body.length - from);
      int chunk = bytesPerSecond > 0 ? (int) Math.max(1, bytesPerSecond / 10) : 64 * 1024;
      try (OutputStream out = exchange.getResponseBody()) {
        for (int at = from; at < body.length; at += chunk) {
          int n = Math.min(chunk, body.length - at);
          out.write(body, at, n);
          out.flush();
          ranged.servedBytes.addAndGet(n);
          if (bytesPerSecond > 0) {
            Thread.sleep(100);
          }
        }
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
      }
    });
    return ranged;
  }

  /** What a ranged handler saw: each request's Range header ("null" when none) and the body bytes it sent. */
  static final class Ranged {
    final String url;
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final AtomicLong servedBytes = new AtomicLong();

    Ranged(String url) {
      this.url = url;
    }
  }

  private String handle(String path, HttpHandler handler) {
    server.createContext(path, handler);
    return url(path);
  }

  private static void send(HttpExchange exchange, byte[] body, boolean fixedLength) throws IOException {
    exchange.sendResponseHeaders(200, fixedLength ? body.length : 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Announces the full length of {@code body} but sends (and flushes) only its first {@code sent} bytes. */
  private static void sendPart(HttpExchange exchange, byte[] body, int sent) throws IOException {
    exchange.sendResponseHeaders(200, body.length);
    OutputStream out = exchange.getResponseBody();
    out.write(body, 0, sent);
    out.flush();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
