package io.otaflow.controlplane.security;

import io.otaflow.registry.ApiTokenRecord;
import io.otaflow.registry.ApiTokenRepository;
import io.otaflow.registry.UnknownTokenException;
import io.otaflow.registry.UserRole;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.BytesKeyGenerator;
import org.springframework.security.crypto.keygen.KeyGenerators;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionAuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * otaflow's own API tokens, {@code otaflow_<id>_<secret>}: the ID finds the token's row, the secret is checked against
 * the stored hash (Spring Security's {@link PasswordEncoder}, bcrypt). The token itself is shown once, when issued.
 */
public class ApiTokens implements OpaqueTokenIntrospector {

  public static final Duration DEFAULT_EXPIRY = Duration.ofDays(90);
  static final String PREFIX = "otaflow_";
  /**
   * The prefix, an ID of 16 characters (8 random bytes in hex; earlier tokens: base64url without '_') and 32 random
   * bytes of secret (base64url).
   */
  private static final Pattern TOKEN =
      Pattern.compile(Pattern.quote(PREFIX) + "([A-Za-z0-9-]{16})_([A-Za-z0-9_-]{43})");
  /** URL-safe, so that a token is one word in a shell, a header and a file. */
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
  private static final String USER_ATTRIBUTE = "user";

  private final ApiTokenRepository tokens;
  private final PasswordEncoder hashes;
  private final Clock clock;
  /** Hex: an ID is one word that never starts with '-', which a command line would take for an option. */
  private final BytesKeyGenerator ids = KeyGenerators.secureRandom(8);
  private final StringKeyGenerator secrets = new Base64StringKeyGenerator(URL_SAFE, 32);

  public ApiTokens(ApiTokenRepository tokens, PasswordEncoder hashes, Clock clock) {
    this.tokens = tokens;
    this.hashes = hashes;
    this.clock = clock;
  }

  /** A token and its row, as just issued: the only time the token is known. */
  public record IssuedToken(String token, ApiTokenRecord record) {
  }

  /** @throws IllegalArgumentException when the user name is blank or the expiry not positive */
  public IssuedToken issue(String user, UserRole role, Duration expiresIn, String issuedBy) {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("user is required");
    }
    if (expiresIn.isNegative() || expiresIn.isZero()) {
      throw new IllegalArgumentException("expiresIn must be positive, was " + expiresIn);
    }
    String id = HexFormat.of().formatHex(ids.generateKey());
    String secret = secrets.generateKey();
    return register(PREFIX + id + "_" + secret, user, role, expiresIn, issuedBy);
  }

  /**
   * Stores a token made elsewhere (the admin token file).
   *
   * @throws IllegalArgumentException when it is not an otaflow token
   */
  public IssuedToken register(String token, String user, UserRole role, Duration validFor, String issuedBy) {
    Matcher parts = parse(token).orElseThrow(() -> new IllegalArgumentException(
        "not an otaflow API token (otaflow_<16 characters>_<43 characters>)"));
    ApiTokenRecord record = tokens.create(parts.group(1), user, role, hashes.encode(parts.group(2)), issuedBy,
        validFor);
    return new IssuedToken(token, record);
  }

  /** Whether the token's ID is stored already (its secret is not checked). */
  public boolean known(String token) {
    return parse(token).flatMap(parts -> tokens.token(parts.group(1))).isPresent();
  }

  public List<ApiTokenRecord> list() {
    return tokens.tokens();
  }

  /**
   * Revokes the token from now on; revoking it again changes nothing.
   *
   * @return the token as it is now
   */
  public ApiTokenRecord revoke(String tokenId) {
    tokens.revoke(tokenId);
    return tokens.token(tokenId).orElseThrow(() -> new UnknownTokenException(tokenId));
  }

  public boolean anyUsableAdminToken() {
    return tokens.anyUsable(UserRole.ADMIN);
  }

  /** Spring Security's resource server asks here for every request whose bearer token starts with otaflow_. */
  @Override
  public OAuth2AuthenticatedPrincipal introspect(String token) {
    Matcher parts = parse(token).orElseThrow(() -> new BadOpaqueTokenException("not an otaflow API token"));
    ApiTokenRecord record = tokens.token(parts.group(1))
        .filter(found -> hashes.matches(parts.group(2), found.secretHash()))
        .orElseThrow(() -> new BadOpaqueTokenException("unknown API token"));
    if (record.revokedAt() != null) {
      throw new BadOpaqueTokenException("API token " + record.tokenId() + " was revoked at " + record.revokedAt());
    }
    if (!clock.instant().isBefore(record.expiresAt())) {
      throw new BadOpaqueTokenException("API token " + record.tokenId() + " expired at " + record.expiresAt());
    }
    return new OAuth2IntrospectionAuthenticatedPrincipal(record.user(), Map.of(USER_ATTRIBUTE, record.user()),
        AuthorityUtils.createAuthorityList(record.role().authority()));
  }

  static boolean looksLikeApiToken(String token) {
    return token.startsWith(PREFIX);
  }

  private static Optional<Matcher> parse(String token) {
    Matcher parts = TOKEN.matcher(token.strip());
    return parts.matches() ? Optional.of(parts) : Optional.empty();
  }
}
