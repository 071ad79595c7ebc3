package io.otaflow.cli;

/** JDBC URLs as the CLI takes and prints them. */
public final class DatabaseUrls {

  private DatabaseUrls() {
  }

  /** The URL without its query, where a PostgreSQL URL carries the user and password: safe to print. */
  public static String withoutSecrets(String url) {
    return url.replaceAll("\\?.*", "");
  }

  /** {@code url}, refused in one line unless it is a PostgreSQL JDBC URL. */
  public static String requirePostgres(String url) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--database-url must be a PostgreSQL JDBC URL (jdbc:postgresql:...), was "
          + withoutSecrets(url));
    }
    return url;
  }
}
