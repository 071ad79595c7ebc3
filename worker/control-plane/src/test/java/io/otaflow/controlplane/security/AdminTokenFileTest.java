package io.otaflow.controlplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.registry.ApiTokenRepository;
import io.otaflow.registry.FleetDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** The first admin token: written owner-only where none exists, or taken (hashed) from the file the server is given. */
class AdminTokenFileTest {

  @TempDir
  Path dir;
  private ApiTokens tokens;
  private AdminTokenFile adminToken;

  @BeforeEach
  void registry() {
    tokens = new ApiTokens(new ApiTokenRepository(FleetDatabase.open(FleetDatabase.h2FileUrl(dir.resolve("db")), "sa",
        ""), Clock.systemUTC()), PasswordEncoderFactories.createDelegatingPasswordEncoder(), Clock.systemUTC());
    adminToken = new AdminTokenFile(tokens);
  }

  @Test
  void withoutAFileANewAdminTokenIsWrittenOwnerOnlyOnceAndOnlyWhileNoneIsUsable() throws Exception {
    Path data = dir.resolve("data");
    adminToken.ensure(null, data);

    Path file = data.resolve("admin-token");
    String token = Files.readString(file).strip();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(tokens.introspect(token).getAuthorities()).extracting(Object::toString).containsExactly("ROLE_ADMIN");
    assertThat(tokens.list()).singleElement().satisfies(row -> assertThat(row.secretHash()).startsWith("{bcrypt}")
        .doesNotContain(token.substring(token.lastIndexOf('_') + 1)));

    adminToken.ensure(null, data);
    assertThat(Files.readString(file).strip()).as("kept while usable").isEqualTo(token);
    tokens.revoke(tokens.list().get(0).tokenId());
    adminToken.ensure(null, data);
    assertThat(Files.readString(file).strip()).as("replaced once revoked").isNotEqualTo(token);
  }

  @Test
  void aGivenFileIsRegisteredHashedOrWrittenWhenMissing() throws Exception {
    Path given = dir.resolve("given-token");
    String token = "otaflow_AbCdEfGhIjKlMnOp_" + "x".repeat(43);
    Files.writeString(given, token + "\n");

    adminToken.ensure(given, dir.resolve("data"));
    adminToken.ensure(given, dir.resolve("data"));

    assertThat(tokens.introspect(token).getName()).isEqualTo("admin");
    assertThat(tokens.list()).as("registered once").hasSize(1);
    assertThat(dir.resolve("data/admin-token")).doesNotExist();

    Path missing = dir.resolve("secrets/admin");
    adminToken.ensure(missing, dir.resolve("data"));
    assertThat(tokens.introspect(Files.readString(missing).strip()).getName()).isEqualTo("admin");
  }

  @Test
  void aGivenFileWhoseTokenWasRevokedStopsTheStartRatherThanLeaveNoAdmin() throws Exception {
    Path given = dir.resolve("given-token");
    adminToken.ensure(given, dir.resolve("data"));
    String tokenId = tokens.list().get(0).tokenId();
    tokens.revoke(tokenId);

    assertThatThrownBy(() -> adminToken.ensure(given, dir.resolve("data")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("admin token file " + given + ": API token " + tokenId + " was revoked at ")
        .hasMessageEndingWith("; delete the file and the server writes a new token there");
  }

  @Test
  void aGivenFileThatHoldsNoOtaflowTokenStopsTheStartSayingWhatToDo() throws Exception {
    Path given = Files.writeString(dir.resolve("given-token"), "hunter2");

    assertThatThrownBy(() -> adminToken.ensure(given, dir.resolve("data")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("admin token file " + given + ": not an otaflow API token (otaflow_<16 characters>_<43 characters>);"
            + " delete the file and the server writes a new token there");
  }
}
