package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.HealthReport;
import io.otaflow.robotupdate.ProbeResult;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthProbeTest {

  @TempDir
  Path temp;

  HttpServer http;

  @BeforeEach
  void startServer() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/ok", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    http.createContext("/broken", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    http.start();
  }

  @AfterEach
  void stopServer() {
    http.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  @Test
  void latencyPassesOnAnOpenPortAndFailsOnAClosedOne() throws Exception {
    ProbeResult open = HealthProbe.tcpLatency("127.0.0.1", http.getAddress().getPort(), 1000).probe();
    assertThat(open.ok()).isTrue();
    assertThat(open.detail()).matches("latency 127\\.0\\.0\\.1:\\d+ \\d+ms <= 1000ms");

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ProbeResult closed = HealthProbe.tcpLatency("127.0.0.1", closedPort, 1000).probe();
    assertThat(closed.ok()).isFalse();
    assertThat(closed.detail()).startsWith("latency 127.0.0.1:" + closedPort + ": cannot connect after ");
  }

  @Test
  void httpPassesOn200AndFailsOtherwise() {
    ProbeResult ok = HealthProbe.http(url("/ok"), Duration.ofSeconds(5)).probe();
    assertThat(ok.ok()).isTrue();
    assertThat(ok.detail()).startsWith("http " + url("/ok") + ": 200 in ");

    ProbeResult broken = HealthProbe.http(url("/broken"), Duration.ofSeconds(5)).probe();
    assertThat(broken.ok()).isFalse();
    assertThat(broken.detail()).startsWith("http " + url("/broken") + ": 503 in ").endsWith(", expected 200");

    ProbeResult missing = HealthProbe.http(url("/nothing-here"), Duration.ofSeconds(5)).probe();
    assertThat(missing.detail()).contains(": 404 in ");
  }

  @Test
  void commandPassesOnExit0AndShowsTheExitCodeAndOutputOtherwise() {
    ProbeResult ok = HealthProbe.command("disk", "test -d " + temp, Duration.ofSeconds(5)).probe();
    assertThat(ok).isEqualTo(new ProbeResult("disk", true, "disk: `test -d " + temp + "` exited 0"));

    ProbeResult bad = HealthProbe.command("lidar", "echo lidar not found; exit 2", Duration.ofSeconds(5)).probe();
    assertThat(bad).isEqualTo(new ProbeResult("lidar", false,
        "lidar: `echo lidar not found; exit 2` exited 2: lidar not found"));

    ProbeResult slow = HealthProbe.command("slow", "sleep 20", Duration.ofMillis(200)).probe();
    assertThat(slow.ok()).isFalse();
    assertThat(slow.detail()).isEqualTo("slow: `sleep 20` timed out after 200ms");
  }

  @Test
  void systemdUnitProbeAnswersClearlyWithOrWithoutSystemctl() {
    ProbeResult result = HealthProbe.systemdUnit("otaflow-test-unit-that-does-not-exist.service").probe();

    assertThat(result.ok()).isFalse();
    if (Files.isExecutable(Path.of("/usr/bin/systemctl")) || Files.isExecutable(Path.of("/bin/systemctl"))) {
      // A host with systemctl (but maybe no running systemd): the unit is not active, whatever the reason.
      assertThat(result.detail()).startsWith("systemd otaflow-test-unit-that-does-not-exist.service: ")
          .containsPattern("\\(exit \\d+\\)|cannot run systemctl");
    } else {
      assertThat(result.detail()).startsWith(
          "systemd otaflow-test-unit-that-does-not-exist.service: cannot run systemctl (");
    }
  }

  @Test
  void systemdUnitActiveThroughAFakeSystemctl() throws Exception {
    // A systemctl that says "active" for robot-app and "failed" for anything else.
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path fake = bin.resolve("systemctl");
    Files.writeString(fake, "#!/bin/sh\nif [ \"$2\" = robot-app ]; then echo active; exit 0; fi\necho failed; exit 3\n");
    fake.toFile().setExecutable(true);
    ProbeResult active = HealthProbe.systemdUnit("robot-app", fake.toString()).probe();
    ProbeResult failed = HealthProbe.systemdUnit("robot-db", fake.toString()).probe();

    assertThat(active).isEqualTo(new ProbeResult("systemd", true, "systemd robot-app: active"));
    assertThat(failed).isEqualTo(new ProbeResult("systemd", false, "systemd robot-db: failed (exit 3)"));
  }

  @Test
  void extraProbesJoinTheSensorProbesAndTcpLatencyReplacesTheSensorOne() throws Exception {
    RobotDisk disk = RobotDisk.seed(temp.resolve("robot"),
        ReleaseArtifacts.build(temp.resolve("1.0.0.tar.gz"), "1.0.0").path(), "1.0.0");
    SensorsFile.write(disk.dir(), "{\"latencyMs\": 9999}");
    SensorHealthActivities health = new SensorHealthActivities(disk, RobotSideActivities.defaults(disk.dir()).sensors(),
        HealthThresholds.defaults(), List.of(
        HealthProbe.tcpLatency("127.0.0.1", http.getAddress().getPort(), 1000),
        HealthProbe.http(url("/broken"), Duration.ofSeconds(5))), new SimpleMeterRegistry());

    HealthReport report = health.check(ReleaseArtifacts.build(temp.resolve("x.tar.gz"), "1.0.0")
        .toRelease("1.0.0", url("/x"), "x"));

    assertThat(report.probes()).extracting(ProbeResult::probe)
        .containsExactly("battery", "temperature", "service", "latency", "http");
    assertThat(report.healthy()).isFalse();
    assertThat(report.failure()).get().asString().startsWith("http " + url("/broken") + ": 503");
  }
}
