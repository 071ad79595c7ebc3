package io.otaflow.controlplane.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.release.ImageReference;
import io.otaflow.signing.ArtifactDigest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads image manifests from a container registry over the OCI distribution API ({@code /v2/}), as {@code docker
 * pull} does before it fetches layers: the control plane resolves a release's image to its digest here, once, so
 * that the release and its signed manifest carry only {@code repository@sha256:...}. Answers the registry's
 * {@code 401} challenge with basic credentials or a bearer token from the realm it names (Docker Hub, Harbor, GHCR,
 * ECR-style token services). A registry in {@code insecureRegistries} is spoken to over plain HTTP, as Docker's
 * {@code insecure-registries} setting does.
 */
public final class ImageRegistryClient {

  static final String ACCEPT = String.join(", ",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json");
  private static final Set<String> INDEX_TYPES = Set.of("application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");
  private static final String DOCKER_HUB = "registry-1.docker.io";
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Map<String, RegistryCredentials> credentials;
  private final Set<String> insecureRegistries;
  private final Duration timeout;

  /**
   * @param credentials        user and password by registry host (and port), as in {@code docker login}
   * @param insecureRegistries registry hosts (and ports) reached over plain HTTP
   */
  public ImageRegistryClient(Map<String, RegistryCredentials> credentials, Set<String> insecureRegistries,
                             Duration timeout) {
    this.credentials = Map.copyOf(credentials);
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /** A user and password (or token) for one registry. */
  public record RegistryCredentials(String username, String password) {

    String basic() {
      return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
          .getBytes(StandardCharsets.UTF_8));
    }
  }

  /** An image as the registry holds it: pinned by the digest of its manifest, and its size. */
  public record ResolvedImage(ImageReference pinned, long sizeBytes) {
  }

  /**
   * Looks {@code reference} up by tag or digest. The digest is that of the manifest bytes the registry served,
   * computed here (and compared with the registry's {@code Docker-Content-Digest}, when pinned, with the one asked
   * for). The size is the image's config and layers; for a multi-platform index, the largest platform's.
   *
   * @throws ImageRegistryException naming the registry, the image and what went wrong, in one line
   */
  public ResolvedImage resolve(ImageReference reference) {
    String ref = reference.pinned() ? reference.digest() : reference.tag() == null ? "latest" : reference.tag();
    Manifest manifest = manifest(reference, ref);
    return new ResolvedImage(reference.pinnedTo(manifest.digest()), size(reference, manifest));
  }

  /**
   * A manifest (or index) of {@code reference}'s repository by {@code digest}, as the registry serves it: its bytes
   * hash to the digest (checked), and its media type.
   */
  public ManifestBytes manifestBytes(ImageReference reference, String digest) {
    Manifest manifest = manifest(reference, digest);
    return new ManifestBytes(manifest.digest(), manifest.mediaType(), manifest.raw());
  }

  /** A manifest as served: {@code bytes} are what {@code digest} is the hash of. */
  public record ManifestBytes(String digest, String mediaType, byte[] bytes) {
  }

  /** Whether {@code mediaType} is a multi-platform index (or Docker manifest list). */
  public static boolean isIndex(String mediaType) {
    return INDEX_TYPES.contains(mediaType);
  }

  /**
   * Downloads the blob {@code digest} of {@code reference}'s repository to {@code target}, and checks its bytes hash
   * to the digest.
   *
   * @throws ImageRegistryException naming the blob and what went wrong, in one line
   */
  public void downloadBlob(ImageReference reference, String digest, Path target) {
    URI uri = URI.create(base(reference) + "/v2/" + path(reference) + "/blobs/" + digest);
    HttpResponse<Path> response = get(reference, uri, HttpResponse.BodyHandlers.ofFile(target));
    if (response.statusCode() != 200) {
      throw new ImageRegistryException("image " + reference + ": " + registryName(reference) + " answered "
          + response.statusCode() + " for blob " + digest);
    }
    String actual = "sha256:" + ArtifactDigest.sha256Hex(target);
    if (!actual.equals(digest)) {
      throw new ImageRegistryException("image " + reference + ": blob " + digest + " hashes to " + actual);
    }
  }

  private long size(ImageReference reference, Manifest manifest) {
    if (!INDEX_TYPES.contains(manifest.mediaType())) {
      return imageSize(reference, manifest);
    }
    long largest = 0;
    for (JsonNode platform : manifest.body().path("manifests")) {
      Manifest child = manifest(reference, platform.path("digest").asText());
      largest = Math.max(largest, imageSize(reference, child));
    }
    return largest;
  }

  private static long imageSize(ImageReference reference, Manifest manifest) {
    JsonNode layers = manifest.body().path("layers");
    if (!layers.isArray() || !manifest.body().path("config").has("size")) {
      throw new ImageRegistryException("image " + reference + ": manifest " + manifest.digest()
          + " lists no config and layers (media type " + manifest.mediaType() + ")");
    }
    long size = manifest.body().path("config").path("size").asLong();
    for (JsonNode layer : layers) {
      size += layer.path("size").asLong();
    }
    return size;
  }

  private record Manifest(String digest, String mediaType, JsonNode body, byte[] raw) {
  }

  private Manifest manifest(ImageReference reference, String ref) {
    URI uri = URI.create(base(reference) + "/v2/" + path(reference) + "/manifests/" + ref);
    HttpResponse<byte[]> response = get(reference, uri);
    if (response.statusCode() == 404) {
      throw new ImageRegistryException("image " + reference + ": " + registryName(reference) + " has no manifest "
          + ref + " (404)", true);
    }
    if (response.statusCode() != 200) {
      throw new ImageRegistryException("image " + reference + ": " + registryName(reference) + " answered "
          + response.statusCode() + " for manifest " + ref);
    }
    String digest = "sha256:" + HexFormat.of().formatHex(ArtifactDigest.sha256().digest(response.body()));
    String served = response.headers().firstValue("Docker-Content-Digest").orElse(digest);
    if (!served.equals(digest)) {
      throw new ImageRegistryException("image " + reference + ": manifest " + ref + " declared digest " + served
          + " but its bytes hash to " + digest);
    }
    if (ref.startsWith("sha256:") && !ref.equals(digest)) {
      throw new ImageRegistryException("image " + reference + ": manifest " + ref + " was served with digest "
          + digest);
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      String mediaType = body.path("mediaType").asText(response.headers().firstValue("Content-Type").orElse(""));
      return new Manifest(digest, mediaType, body, response.body());
    } catch (IOException e) {
      throw new ImageRegistryException("image " + reference + ": manifest " + ref + " is not JSON");
    }
  }

  /** GET with the manifest media types, answering one authentication challenge. */
  private HttpResponse<byte[]> get(ImageReference reference, URI uri) {
    return get(reference, uri, HttpResponse.BodyHandlers.ofByteArray());
  }

  private <T> HttpResponse<T> get(ImageReference reference, URI uri, HttpResponse.BodyHandler<T> body) {
    HttpResponse<T> response = send(reference, uri, null, body);
    if (response.statusCode() != 401) {
      return response;
    }
    String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
    RegistryCredentials login = credentials.get(registryName(reference));
    if (challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
      return send(reference, uri, "Bearer " + token(reference, challenge, login), body);
    }
    if (login == null) {
      throw new ImageRegistryException("image " + reference + ": " + registryName(reference)
          + " asks for credentials and none are configured for it");
    }
    HttpResponse<T> retried = send(reference, uri, login.basic(), body);
    if (retried.statusCode() == 401) {
      throw new ImageRegistryException("image " + reference + ": " + registryName(reference)
          + " refused the configured credentials (401)");
    }
    return retried;
  }

  private String token(ImageReference reference, String challenge, RegistryCredentials login) {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher param = CHALLENGE_PARAM.matcher(challenge);
    while (param.find()) {
      params.put(param.group(1), param.group(2));
    }
    String realm = params.remove("realm");
    if (realm == null) {
      throw new ImageRegistryException("image " + reference + ": " + registryName(reference)
          + " sent a bearer challenge without a realm");
    }
    StringBuilder query = new StringBuilder();
    params.forEach((key, value) -> query.append(query.isEmpty() ? "?" : "&").append(key).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(realm + query)).timeout(timeout).GET();
    if (login != null) {
      request.header("Authorization", login.basic());
    }
    HttpResponse<byte[]> answer = exchange(reference, request.build());
    if (answer.statusCode() != 200) {
      throw new ImageRegistryException("image " + reference + ": the token service " + realm + " answered "
          + answer.statusCode() + (login == null ? " (no credentials configured for " + registryName(reference) + ")"
          : " for the configured credentials"));
    }
    try {
      JsonNode body = JSON.readTree(answer.body());
      String token = body.path("token").asText(body.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new ImageRegistryException("image " + reference + ": the token service " + realm + " sent no token");
      }
      return token;
    } catch (IOException e) {
      throw new ImageRegistryException("image " + reference + ": the token service " + realm + " sent no JSON");
    }
  }

  private <T> HttpResponse<T> send(ImageReference reference, URI uri, String authorization,
                                   HttpResponse.BodyHandler<T> body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", ACCEPT).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return exchange(reference, request.build(), body);
  }

  private HttpResponse<byte[]> exchange(ImageReference reference, HttpRequest request) {
    return exchange(reference, request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private <T> HttpResponse<T> exchange(ImageReference reference, HttpRequest request,
                                       HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw new ImageRegistryException("image " + reference + ": cannot reach " + request.uri().getHost()
          + (request.uri().getPort() > 0 ? ":" + request.uri().getPort() : "") + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageRegistryException("image " + reference + ": interrupted");
    }
  }

  private String base(ImageReference reference) {
    String registry = registryName(reference);
    return (insecureRegistries.contains(registry) ? "http://" : "https://") + registry;
  }

  private static String registryName(ImageReference reference) {
    return reference.registry() == null ? DOCKER_HUB : reference.registry();
  }

  /** The repository path within its registry; Docker Hub's official images live under {@code library/}. */
  private static String path(ImageReference reference) {
    String registry = reference.registry();
    String path = registry == null ? reference.repository()
        : reference.repository().substring(registry.length() + 1);
    return registry == null && !path.contains("/") ? "library/" + path : path;
  }
}
