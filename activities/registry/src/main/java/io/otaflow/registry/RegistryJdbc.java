package io.otaflow.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.wire.WireJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** What every repository needs to talk to H2 and PostgreSQL alike: timestamps, JSON columns, duplicate keys. */
final class RegistryJdbc {

  private static final String DUPLICATE_KEY = "23505";
  /** JSON columns (labels, plans, targets) hold what the REST API received, in the same form. */
  private static final ObjectMapper JSON = WireJson.mapper();

  private RegistryJdbc() {
  }

  /** Microseconds: the finest both H2 and PostgreSQL keep, so what we write is what we read back. */
  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Bound as an offset timestamp ourselves, so the JVM's time zone never shifts stored instants. */
  static Argument timestamp(Instant instant) {
    OffsetDateTime value = instant.atOffset(ZoneOffset.UTC);
    return (position, statement, ctx) -> statement.setObject(position, value);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot store as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static <T> T fromJson(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not read back as " + type.getSimpleName(), e);
    }
  }

  static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not read back", e);
    }
  }

  /** Update-then-insert is portable SQL; a concurrent insert of the same key makes it try once more. */
  static <T> T retryOnDuplicate(Supplier<T> write) {
    try {
      return write.get();
    } catch (UnableToExecuteStatementException e) {
      if (isDuplicate(e)) {
        return write.get();
      }
      throw e;
    }
  }

  static boolean isDuplicate(UnableToExecuteStatementException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** Every robot ID sorts after the empty string: the key of a first page. */
  static String afterOrStart(String afterRobotId) {
    return afterRobotId == null ? "" : afterRobotId;
  }

  static void requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }
}
