package io.otaflow.release;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference as Docker and Podman read it: {@code [registry[:port]/]path[:tag][@sha256:<hex>]}, for
 * example {@code registry.example.com:5000/robots/perception:2.0.0} or
 * {@code registry.example.com:5000/robots/perception@sha256:0123...}. A release names its image by digest only
 * ({@link #pinned()}): a tag can be moved to other bytes after the release was signed, a digest cannot.
 *
 * @param repository registry host (if any) and path, lowercase, for example {@code localhost:5000/perception}
 * @param tag        the tag, or null
 * @param digest     {@code sha256:} and 64 lowercase hex characters, or null
 */
public record ImageReference(String repository, String tag, String digest) {

  private static final String HOST_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String REGISTRY = HOST_COMPONENT + "(?:\\." + HOST_COMPONENT + ")*(?::[0-9]+)?";
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REFERENCE = Pattern.compile("^((?:" + REGISTRY + "/)?" + PATH_COMPONENT
      + "(?:/" + PATH_COMPONENT + ")*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$");

  /**
   * Reads {@code text}, refusing anything Docker would not pull, and a digest of another algorithm than SHA-256.
   *
   * @throws IllegalArgumentException naming what is wrong, in one line
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    Matcher parts = REFERENCE.matcher(text);
    if (!parts.matches()) {
      int at = text.indexOf('@');
      if (at >= 0 && !text.substring(at + 1).matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException("image reference '" + text
            + "': the digest must be sha256: and 64 lowercase hex characters");
      }
      throw new IllegalArgumentException("image reference '" + text + "' is not [registry/]repository[:tag] or "
          + "[registry/]repository@sha256:<digest> (lowercase repository path)");
    }
    return new ImageReference(parts.group(1), parts.group(2), parts.group(3));
  }

  /** Whether the reference names its bytes by digest. */
  public boolean pinned() {
    return digest != null;
  }

  /** The same repository at {@code digest} ({@code sha256:<hex>}), without a tag: what a release carries. */
  public ImageReference pinnedTo(String digest) {
    return parse(repository + "@" + digest.toLowerCase(Locale.ROOT));
  }

  /** The digest's 64 hex characters, the image's SHA-256 as a release and its manifest record it. */
  public String digestHex() {
    if (digest == null) {
      throw new IllegalStateException("image reference " + this + " has no digest");
    }
    return digest.substring("sha256:".length());
  }

  /** The registry host (and port) the reference names, or null for one of the engine's default registries. */
  public String registry() {
    int slash = repository.indexOf('/');
    if (slash < 0) {
      return null;
    }
    String first = repository.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : null;
  }

  @Override
  public String toString() {
    return repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
