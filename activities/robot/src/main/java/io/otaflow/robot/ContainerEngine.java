package io.otaflow.robot;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.otaflow.release.ImageReference;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The robot's container engine, Docker or Podman's Docker-compatible API, over its Unix socket: pulls by digest, reads
 * what a tag points at, moves tags and removes images. Calls block; failures come back as the engine's exceptions
 * (docker-java's), which the installer turns into activity failures.
 */
public final class ContainerEngine implements Closeable {

  /** A pull has no end the engine can promise: the activity's timeouts bound it, not the socket's. */
  private static final Duration API_RESPONSE_TIMEOUT = Duration.ofMinutes(5);

  /**
   * @param host     where the engine listens, such as {@code unix:///run/podman/podman.sock}
   * @param username registry user for pulls, or null: anonymous
   * @param password registry password or token, with {@code username}
   */
  public record Connection(String host, String username, String password) {
    public Connection {
      Objects.requireNonNull(host, "host");
    }
  }

  /** Progress of a pull as the engine streams it: layers finished of those seen, and bytes of the ones downloading. */
  public record PullProgress(int layersDone, int layers, long bytesDone, long bytesTotal) {
    public int percent() {
      return bytesTotal <= 0 ? (layers == 0 ? 0 : 100 * layersDone / layers)
          : (int) Math.min(100, 100 * bytesDone / bytesTotal);
    }
  }

  /** One image the engine holds: its ID and its {@code repository@sha256:} names. */
  public record EngineImage(String id, List<String> repoDigests) {
  }

  private final Connection connection;
  private final DockerClient client;

  public ContainerEngine(Connection connection) {
    this.connection = connection;
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(connection.host())
        .withDockerTlsVerify(false)
        .build();
    this.client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
        .dockerHost(URI.create(connection.host()))
        .connectionTimeout(Duration.ofSeconds(10))
        .responseTimeout(API_RESPONSE_TIMEOUT)
        .build());
  }

  public String host() {
    return connection.host();
  }

  /**
   * Pulls {@code image} (by digest) into the engine, passing each progress update to {@code progress}; returns once
   * the engine has it. Layers already pulled are not fetched again, so a pull cut short resumes.
   */
  public void pull(ImageReference image, Consumer<PullProgress> progress) throws InterruptedException {
    PullCallback callback = new PullCallback(progress);
    var pull = client.pullImageCmd(image.repository() + "@" + image.digest());
    if (connection.username() != null) {
      pull.withAuthConfig(new AuthConfig().withUsername(connection.username()).withPassword(connection.password())
          .withRegistryAddress(image.registry()));
    }
    pull.exec(callback).awaitCompletion();
    callback.throwIfFailed();
  }

  /**
   * Loads an OCI image archive (or a {@code docker save} archive) into the engine. Podman keeps an OCI archive's
   * manifest as it is, so the image keeps its digest, and names it as the archive's index says.
   */
  public void load(Path archive) throws IOException {
    try (InputStream in = Files.newInputStream(archive)) {
      client.loadImageCmd(in).exec();
    }
  }

  /** What the engine knows of {@code reference} (a tag, a digest or an ID); empty when it holds no such image. */
  public Optional<EngineImage> inspect(String reference) {
    try {
      InspectImageResponse image = client.inspectImageCmd(reference).exec();
      return Optional.of(new EngineImage(image.getId(), image.getRepoDigests() == null ? List.of()
          : List.copyOf(image.getRepoDigests())));
    } catch (NotFoundException absent) {
      return Optional.empty();
    }
  }

  /** Points {@code repository:tag} at {@code image}, wherever it pointed before. */
  public void tag(String image, String repository, String tag) {
    client.tagImageCmd(image, repository, tag).withForce(true).exec();
  }

  /** Removes the tag {@code repository:tag} (not the image it names). */
  public void untag(String repository, String tag) {
    client.removeImageCmd(repository + ":" + tag).withNoPrune(true).exec();
  }

  /** Every image the engine holds under {@code repository} (by a digest name), the newest built first. */
  public List<EngineImage> images(String repository) {
    Map<String, EngineImage> byId = new LinkedHashMap<>();
    client.listImagesCmd().exec().stream()
        .sorted(Comparator.comparing((Image image) -> image.getCreated() == null ? 0L : image.getCreated()).reversed())
        .forEach(image -> {
          List<String> digests = Stream.ofNullable(image.getRepoDigests()).flatMap(Arrays::stream)
              .filter(name -> name.startsWith(repository + "@")).toList();
          if (!digests.isEmpty()) {
            byId.putIfAbsent(image.getId(), new EngineImage(image.getId(), digests));
          }
        });
    return List.copyOf(byId.values());
  }

  /** Removes the image {@code id} with every name it has; refused by the engine while a container uses it. */
  public void remove(String id) {
    client.removeImageCmd(id).withForce(true).exec();
  }

  @Override
  public void close() throws IOException {
    client.close();
  }

  /** Follows the engine's progress stream; an error in it (the registry refused, say) is the pull's failure. */
  private static final class PullCallback extends ResultCallback.Adapter<PullResponseItem> {
    private final Consumer<PullProgress> progress;
    private final Map<String, long[]> layers = new LinkedHashMap<>();
    private final Set<String> done = new HashSet<>();
    private volatile String error;

    PullCallback(Consumer<PullProgress> progress) {
      this.progress = progress;
    }

    @Override
    public void onNext(PullResponseItem item) {
      if (item.getErrorDetail() != null || item.getError() != null) {
        error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
            ? item.getErrorDetail().getMessage() : item.getError();
        return;
      }
      if (item.getId() == null || item.getStatus() == null) {
        return;
      }
      long[] bytes = layers.computeIfAbsent(item.getId(), id -> new long[2]);
      if (item.getProgressDetail() != null && item.getProgressDetail().getTotal() != null
          && item.getStatus().startsWith("Downloading")) {
        bytes[0] = item.getProgressDetail().getCurrent() == null ? 0 : item.getProgressDetail().getCurrent();
        bytes[1] = item.getProgressDetail().getTotal();
      }
      if (item.getStatus().startsWith("Pull complete") || item.getStatus().startsWith("Already exists")
          || item.getStatus().startsWith("Download complete")) {
        done.add(item.getId());
        bytes[0] = bytes[1];
      }
      progress.accept(new PullProgress(done.size(), layers.size(),
          layers.values().stream().mapToLong(b -> b[0]).sum(), layers.values().stream().mapToLong(b -> b[1]).sum()));
    }

    void throwIfFailed() {
      if (error != null) {
        throw new PullFailedException(error);
      }
    }
  }

  /** The engine reported the pull failed, in its progress stream. */
  public static final class PullFailedException extends RuntimeException {
    PullFailedException(String engineMessage) {
      super(engineMessage);
    }
  }
}
