package io.otaflow.robot;

import io.otaflow.robotupdate.ProbeResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A health probe beyond the robot's sensor readings: TCP connect latency, a systemd unit, an HTTP endpoint, a command.
 * Each failing detail starts with the probe's name and shows what was measured.
 */
@FunctionalInterface
public interface HealthProbe {

  ProbeResult probe();

  /** Time to open a TCP connection to host:port, at most maxMs (the connect itself gives up at 4 x maxMs). */
  static HealthProbe tcpLatency(String host, int port, long maxMs) {
    String target = host + ":" + port;
    return () -> {
      long start = System.nanoTime();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, Math.max(1000, 4 * maxMs)));
      } catch (IOException e) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        return new ProbeResult("latency", false, "latency " + target + ": cannot connect after " + ms + "ms ("
            + e.getMessage() + ")");
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      boolean ok = ms <= maxMs;
      return new ProbeResult("latency", ok, "latency " + target + " " + ms + "ms " + (ok ? "<=" : ">") + " "
          + maxMs + "ms");
    };
  }

  /** {@code systemctl is-active <unit>} answers {@code active}. */
  static HealthProbe systemdUnit(String unit) {
    return systemdUnit(unit, "systemctl");
  }

  /** {@code systemctl}: the program to ask, found on PATH unless it is a path. */
  static HealthProbe systemdUnit(String unit, String systemctl) {
    return () -> {
      CommandRunner.Result r = CommandRunner.run(List.of(systemctl, "is-active", unit),
          "systemctl is-active " + unit, Duration.ofSeconds(10));
      if (r.startError() != null) {
        return new ProbeResult("systemd", false, "systemd " + unit + ": cannot run systemctl (" + r.startError()
            + "): is this a systemd host?");
      }
      if (r.timedOut()) {
        return new ProbeResult("systemd", false, "systemd " + unit + ": systemctl is-active timed out after 10s");
      }
      String state = r.output().isEmpty() ? "no answer" : r.output();
      boolean ok = r.exitCode() == 0 && "active".equals(state);
      return new ProbeResult("systemd", ok, "systemd " + unit + ": " + state
          + (ok ? "" : " (exit " + r.exitCode() + ")"));
    };
  }

  /** GET url answers 200 within timeout. */
  static HealthProbe http(String url, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    return () -> {
      long start = System.nanoTime();
      try {
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
            .build(), HttpResponse.BodyHandlers.discarding());
        long ms = (System.nanoTime() - start) / 1_000_000;
        boolean ok = response.statusCode() == 200;
        return new ProbeResult("http", ok, "http " + url + ": " + response.statusCode() + " in " + ms + "ms"
            + (ok ? "" : ", expected 200"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ProbeResult("http", false, "http " + url + ": interrupted");
      } catch (IOException | RuntimeException e) {
        long ms = (System.nanoTime() - start) / 1_000_000;
        return new ProbeResult("http", false, "http " + url + ": no answer after " + ms + "ms (" + e + ")");
      }
    };
  }

  /** {@code sh -c command} exits 0 within timeout. */
  static HealthProbe command(String name, String command, Duration timeout) {
    return () -> {
      CommandRunner.Result r = CommandRunner.run(command, timeout);
      return new ProbeResult(name, r.ok(), name + ": " + (r.ok() ? "`" + command + "` exited 0" : r.describe(timeout)));
    };
  }
}
