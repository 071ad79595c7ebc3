package io.otaflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactServerTest {

  private static final String BODY = "0123456789abcdefghij";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ArtifactServer server;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("release-1.0.0.tar.gz"), BODY, StandardCharsets.US_ASCII);
    server = ArtifactServer.start(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesTheWholeFileWithItsLength() throws Exception {
    HttpResponse<String> response = http.send(get("release-1.0.0.tar.gz").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(BODY.length());
    assertThat(response.body()).isEqualTo(BODY);
  }

  @Test
  void answersAnOpenRangeWithTheTail() throws Exception {
    HttpResponse<String> response = http.send(get("release-1.0.0.tar.gz").header("Range", "bytes=15-").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 15-19/20");
    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(5);
    assertThat(response.body()).isEqualTo("fghij");
  }

  @Test
  void refusesARangePastTheEnd() throws Exception {
    HttpResponse<String> response = http.send(get("release-1.0.0.tar.gz").header("Range", "bytes=20-").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(416);
  }

  @Test
  void countsTheBodyBytesItServesPerFile() throws Exception {
    http.send(get("release-1.0.0.tar.gz").build(), HttpResponse.BodyHandlers.ofString());
    http.send(get("release-1.0.0.tar.gz").header("Range", "bytes=15-").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(server.bytesServed("release-1.0.0.tar.gz")).isEqualTo(BODY.length() + 5);
    assertThat(server.bytesServed("release-9.9.9.tar.gz")).isZero();
  }

  @Test
  void throttledBodiesTakeTheirTime() throws Exception {
    server.throttle(10);
    long started = System.nanoTime();

    HttpResponse<String> response = http.send(get("release-1.0.0.tar.gz").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.body()).isEqualTo(BODY);
    // 20 bytes at 10 B/s: one byte every 100 ms.
    assertThat(System.nanoTime() - started).isGreaterThan(1_500_000_000L);
  }

  @Test
  void headGivesTheLengthWithoutABody() throws Exception {
    HttpResponse<String> response = http.send(
        get("release-1.0.0.tar.gz").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(BODY.length());
    assertThat(response.body()).isEmpty();
  }

  @Test
  void missingFilesAndEscapesAre404() throws Exception {
    assertThat(http.send(get("release-9.9.9.tar.gz").build(), HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(404);
    assertThat(http.send(get("..%2F..%2Fetc%2Fpasswd").build(), HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(404);
  }

  private HttpRequest.Builder get(String fileName) {
    return HttpRequest.newBuilder(URI.create(server.url(fileName)));
  }
}
