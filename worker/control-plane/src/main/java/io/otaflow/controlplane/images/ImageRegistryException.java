package io.otaflow.controlplane.images;

/**
 * A container registry could not give an image's manifest: unreachable, unknown image or tag, refused credentials, or
 * an answer that does not hash to the digest it claims. The message is one line naming the image.
 */
public class ImageRegistryException extends RuntimeException {

  private final boolean unknownImage;

  public ImageRegistryException(String message) {
    this(message, false);
  }

  ImageRegistryException(String message, boolean unknownImage) {
    super(message);
    this.unknownImage = unknownImage;
  }

  /** Whether the registry answered that it has no such image or tag: the caller's mistake, not the registry's. */
  public boolean unknownImage() {
    return unknownImage;
  }
}
