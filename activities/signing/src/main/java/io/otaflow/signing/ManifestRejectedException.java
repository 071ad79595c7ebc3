package io.otaflow.signing;

/**
 * A robot must not install this release. The reason is kept by name, so the exception survives serialization (for
 * example as a Temporal failure's details) without depending on the enum's ordinal.
 */
public final class ManifestRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a manifest was refused. */
  public enum Reason {
    /** The signature does not match the manifest: it was altered after signing, or signed with another key. */
    BAD_SIGNATURE,
    /** The key id names no trusted key. */
    UNKNOWN_KEY,
    /** The manifest's validity ended (freeze attack: replaying an old, once-valid manifest). */
    EXPIRED,
    /** Lower release number than installed without a signed rollback (downgrade attack). */
    DOWNGRADE,
    /** The artifact is not the one the manifest names (mix-and-match attack). */
    HASH_MISMATCH
  }

  private final String reason;

  public ManifestRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason.name();
  }

  public Reason reason() {
    return Reason.valueOf(reason);
  }
}
