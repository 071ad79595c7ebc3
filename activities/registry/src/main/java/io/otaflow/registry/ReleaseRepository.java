package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.requirePositive;
import static io.otaflow.registry.RegistryJdbc.retryOnDuplicate;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import io.otaflow.release.Release;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Table {@code releases}: every release registered, with its signed manifest when it has one. */
public class ReleaseRepository {

  private static final Logger log = LoggerFactory.getLogger(ReleaseRepository.class);
  private static final NewestFirst NEWEST_FIRST = new NewestFirst("releases", "registered_at", "version");

  private final Jdbi jdbi;
  private final Clock clock;

  public ReleaseRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Stores a release once; the same release again is a no-op.
   *
   * @throws RegistryConflictException when the version is stored with another artifact or manifest
   */
  public void registerRelease(Release release) {
    Release stored = normalized(release);
    retryOnDuplicate(() -> jdbi.inTransaction(h -> {
      Optional<Release> existing = release(h, release.version());
      if (existing.isPresent()) {
        if (!existing.get().equals(stored)) {
          boolean onlyManifest = existing.get().equals(stored.withSignedManifest(existing.get().signedManifest()));
          throw new RegistryConflictException("release " + release.version()
              + " is already registered with a different " + (onlyManifest ? "signed manifest" : "artifact"));
        }
        return null;
      }
      h.createUpdate("INSERT INTO releases (version, artifact_url, image, sha256, size_bytes, changelog,"
              + " signed_manifest, registered_at) VALUES (:version, :url, :image, :sha, :size, :changelog, :manifest,"
              + " :now)")
          .bind("version", release.version()).bind("url", release.artifactUrl()).bind("image", release.image())
          .bind("sha", release.sha256())
          .bind("size", release.sizeBytes()).bind("changelog", release.changelog())
          .bind("manifest", release.signedManifest()).bind("now", timestamp(RegistryJdbc.now(clock)))
          .execute();
      log.debug("registered release {}", release.version());
      return null;
    }));
  }

  public Optional<Release> release(String version) {
    return jdbi.withHandle(h -> release(h, version));
  }

  /** Oldest first. */
  public List<Release> releases() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM releases ORDER BY registered_at, version")
        .map((rs, ctx) -> releaseRow(rs)).list());
  }

  /** One page of releases, newest first, after the release {@code afterVersion} (null for the first page). */
  public List<Release> releases(String afterVersion, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> NEWEST_FIRST.page(h, List.of(), afterVersion, limit)
        .map((rs, ctx) -> releaseRow(rs)).list());
  }

  private static Optional<Release> release(Handle h, String version) {
    return h.createQuery("SELECT * FROM releases WHERE version = :v").bind("v", version)
        .map((rs, ctx) -> releaseRow(rs)).findOne();
  }

  static Release releaseRow(ResultSet rs) throws SQLException {
    return new Release(rs.getString("version"), rs.getString("artifact_url"), rs.getString("sha256"),
        rs.getLong("size_bytes"), rs.getString("changelog"), rs.getString("signed_manifest"), rs.getString("image"));
  }

  /** The release as stored: a null changelog is kept as empty text; the signed manifest is kept as it is. */
  private static Release normalized(Release r) {
    return new Release(r.version(), r.artifactUrl(), r.sha256(), r.sizeBytes(), r.changelog(), r.signedManifest(),
        r.image());
  }
}
