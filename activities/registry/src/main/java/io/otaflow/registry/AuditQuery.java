package io.otaflow.registry;

import java.time.Instant;

/**
 * Which audit rows to read, newest first: all filters are optional (null).
 *
 * @param before the ID of the last row of the previous page
 */
public record AuditQuery(String rolloutId, String user, Instant since, Long before, int limit) {

  public AuditQuery {
    RegistryJdbc.requirePositive(limit);
  }
}
