package io.otaflow.controlplane.security;

import io.otaflow.registry.UserRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;

/**
 * The first admin token, made at start so that someone can create everybody else's tokens. With
 * {@code otaflow.security.admin-token-file} set, that file's token is registered (stored hashed) unless it is already;
 * when the file does not exist a new token is written there. Without it, a new token is written to
 * {@code <data-dir>/admin-token} when no usable admin token exists. Written files are readable by their owner alone.
 */
final class AdminTokenFile {

  private static final Logger log = LoggerFactory.getLogger(AdminTokenFile.class);
  static final String DEFAULT_NAME = "admin-token";
  static final String ADMIN_USER = "admin";
  private static final String ISSUER = "otaflow server";

  private final ApiTokens tokens;

  AdminTokenFile(ApiTokens tokens) {
    this.tokens = tokens;
  }

  /** @param given the configured admin token file, or null */
  void ensure(Path given, Path dataDir) {
    if (given != null && Files.exists(given)) {
      String token = read(given);
      try {
        if (!tokens.known(token)) {
          tokens.register(token, ADMIN_USER, UserRole.ADMIN, ApiTokens.DEFAULT_EXPIRY, ISSUER);
          log.info("admin token from {} registered (user {}, expires in {} days)", given, ADMIN_USER,
              ApiTokens.DEFAULT_EXPIRY.toDays());
        }
        // Known but revoked or expired (or another secret under its ID): a start that left no admin would lock
        // everyone out of the tokens.
        tokens.introspect(token);
      } catch (IllegalArgumentException | BadOpaqueTokenException unusable) {
        throw new IllegalStateException("admin token file " + given + ": " + unusable.getMessage()
            + "; delete the file and the server writes a new token there");
      }
      return;
    }
    if (given == null && tokens.anyUsableAdminToken()) {
      return;
    }
    Path file = given != null ? given : dataDir.resolve(DEFAULT_NAME);
    ApiTokens.IssuedToken issued = tokens.issue(ADMIN_USER, UserRole.ADMIN, ApiTokens.DEFAULT_EXPIRY, ISSUER);
    write(file, issued.token());
    log.info("wrote a new admin token to {} (mode 600, user {}, expires in {} days): create people's tokens with it,"
        + " `otaflow tokens create --token-file {} --user NAME --role ROLE`", file, ADMIN_USER,
        ApiTokens.DEFAULT_EXPIRY.toDays(), file);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read admin token file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String token) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin token to " + file + ": " + e.getMessage(), e);
    }
  }
}
