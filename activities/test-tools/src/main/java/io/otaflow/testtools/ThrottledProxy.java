package io.otaflow.testtools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a free loopback port to {@code 127.0.0.1:targetPort} that passes what the target answers at no more
 * than a set rate, and counts it: a registry slow enough for a test to act in the middle of a pull.
 */
public final class ThrottledProxy implements AutoCloseable {

  private static final int CHUNK = 16 * 1024;

  private final ServerSocket listener;
  private final int targetPort;
  private final long bytesPerSecond;
  private final AtomicLong forwarded = new AtomicLong();
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "throttled-proxy");
    thread.setDaemon(true);
    return thread;
  });

  private ThrottledProxy(int targetPort, long bytesPerSecond) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.bytesPerSecond = bytesPerSecond;
    threads.execute(this::accept);
  }

  /** Proxies to {@code target} ({@code 127.0.0.1:port}), its answers at most {@code bytesPerSecond}. */
  public static ThrottledProxy start(String target, long bytesPerSecond) throws IOException {
    return new ThrottledProxy(Integer.parseInt(target.substring(target.lastIndexOf(':') + 1)), bytesPerSecond);
  }

  /** {@code 127.0.0.1:port}: where clients connect. */
  public String host() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Bytes of the target's answers passed on so far. */
  public long bytesForwarded() {
    return forwarded.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket target = new Socket();
        target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        threads.execute(() -> pipe(client, target, false));
        threads.execute(() -> pipe(target, client, true));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean throttled) {
    byte[] buffer = new byte[CHUNK];
    long started = System.nanoTime();
    long sent = 0;
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
        if (throttled) {
          sent += read;
          forwarded.addAndGet(read);
          long due = started + TimeUnit.SECONDS.toNanos(1) * sent / bytesPerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
      }
    } catch (IOException | InterruptedException closed) {
      // one side went away: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }
}
