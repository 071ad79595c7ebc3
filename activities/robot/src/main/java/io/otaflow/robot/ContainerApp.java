package io.otaflow.robot;

import io.otaflow.release.ImageReference;

/**
 * A robot's software that runs as a container: its systemd unit runs {@code repository:tag} (such as
 * {@code podman run ... registry.example.com/humanoid-perception:current}), and an update moves that tag.
 *
 * @param name       the app's name, its key in state.json
 * @param repository the image repository its releases name, registry included ({@code registry:5000/perception})
 * @param tag        the tag its unit runs; moved by apply and rollback
 * @param keepImages images of the repository kept by commit: the running one, the one a rollback returns to, and
 *                   the newest others up to this many
 * @param engine     the container engine holding the images
 */
public record ContainerApp(String name, String repository, String tag, int keepImages,
                           ContainerEngine.Connection engine) {

  /** Enough for the running image and the one a rollback returns to. */
  public static final int DEFAULT_KEEP_IMAGES = 2;

  /**
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public ContainerApp {
    if (name == null || !name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
      throw new IllegalArgumentException("name: '" + name + "' is not a name (letters, digits, _ . -)");
    }
    ImageReference parsed;
    try {
      parsed = ImageReference.parse(repository);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("repository: " + e.getMessage(), e);
    }
    if (parsed.tag() != null || parsed.pinned()) {
      throw new IllegalArgumentException("repository: '" + repository + "' names a tag or digest; give the "
          + "repository alone (the tag the unit runs goes in tag)");
    }
    if (tag == null || !tag.matches("[\\w][\\w.-]{0,127}")) {
      throw new IllegalArgumentException("tag: '" + tag + "' is not an image tag");
    }
    if (keepImages < 2) {
      throw new IllegalArgumentException("keepImages: must be at least 2 (the running image and the one a rollback "
          + "returns to), was " + keepImages);
    }
  }

  /** {@code repository:tag}: what the app's unit runs. */
  public String taggedImage() {
    return repository + ":" + tag;
  }
}
