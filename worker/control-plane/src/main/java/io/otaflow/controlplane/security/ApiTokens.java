package io.otaflow.controlplane.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.otaflow.registry.ApiTokenRecord;
import io.otaflow.registry.ApiTokenRepository;
import io.otaflow.registry.UnknownTokenException;
import io.otaflow.registry.UserRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 *
 * <p>A successful check is remembered for {@link #VERIFIED_FOR} (by token ID, with a SHA-256 of the secret, bounded to
 * {@link #VERIFIED_MAX} tokens): at 100,000 robots reporting every few minutes, a bcrypt check per request would cost
 * the control plane a core. Revoking a token forgets it at once on this control plane; another replica still accepts
 * it for at most {@link #VERIFIED_FOR}. Expiry is checked on every request.
 */
public class ApiTokens implements OpaqueTokenIntrospector {

  public static final Duration DEFAULT_EXPIRY = Duration.ofDays(90);
  /** Robot tokens act as user {@code robot:<robotId>} in logs and the audit trail. */
  public static final String ROBOT_USER_PREFIX = "robot:";
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
  /** The robot a robot token reports for, among the authenticated principal's attributes. */
  public static final String ROBOT_ATTRIBUTE = "robot";
  static final Duration VERIFIED_FOR = Duration.ofMinutes(1);
  static final long VERIFIED_MAX = 200_000;

  private final ApiTokenRepository tokens;
  private final PasswordEncoder hashes;
  private final Clock clock;
  /** Hex: an ID is one word that never starts with '-', which a command line would take for an option. */
  private final BytesKeyGenerator ids = KeyGenerators.secureRandom(8);
  private final StringKeyGenerator secrets = new Base64StringKeyGenerator(URL_SAFE, 32);
  private final Cache<String, Verified> verified = Caffeine.newBuilder()
      .expireAfterWrite(VERIFIED_FOR).maximumSize(VERIFIED_MAX).build();

  /** A token that passed its check: the digest of its secret, and its row as then. */
  private record Verified(byte[] secretDigest, ApiTokenRecord record) {
  }

  public ApiTokens(ApiTokenRepository tokens, PasswordEncoder hashes, Clock clock) {
    this.tokens = tokens;
    this.hashes = hashes;
    this.clock = clock;
  }

  /** A token and its row, as just issued: the only time the token is known. */
  public record IssuedToken(String token, ApiTokenRecord record) {
  }

  /** @throws IllegalArgumentException when the user name is blank, the role robot or the expiry not positive */
  public IssuedToken issue(String user, UserRole role, Duration expiresIn, String issuedBy) {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("user is required");
    }
    if (role == UserRole.ROBOT) {
      throw new IllegalArgumentException("role robot is a robot's own token: create it for one robot (--robot ID)");
    }
    return issue(user, role, null, expiresIn, issuedBy);
  }

  /**
   * A robot's own token, user {@code robot:<robotId>}: it may report that robot's telemetry and nothing else.
   *
   * @throws IllegalArgumentException when the robot ID is blank or the expiry not positive
   */
  public IssuedToken issueForRobot(String robotId, Duration expiresIn, String issuedBy) {
    if (robotId == null || robotId.isBlank()) {
      throw new IllegalArgumentException("robot is required");
    }
    return issue(ROBOT_USER_PREFIX + robotId, UserRole.ROBOT, robotId, expiresIn, issuedBy);
  }

  private IssuedToken issue(String user, UserRole role, String robotId, Duration expiresIn, String issuedBy) {
    if (expiresIn.isNegative() || expiresIn.isZero()) {
      throw new IllegalArgumentException("expiresIn must be positive, was " + expiresIn);
    }
    String token = PREFIX + HexFormat.of().formatHex(ids.generateKey()) + "_" + secrets.generateKey();
    Matcher parts = parse(token).orElseThrow();
    return new IssuedToken(token, tokens.create(parts.group(1), user, role, robotId, hashes.encode(parts.group(2)),
        issuedBy, expiresIn));
  }

  /**
   * Stores a token made elsewhere (the admin token file).
   *
   * @throws IllegalArgumentException when it is not an otaflow token
   */
  public IssuedToken register(String token, String user, UserRole role, Duration validFor, String issuedBy) {
    Matcher parts = parse(token).orElseThrow(() -> new IllegalArgumentException(
        "not an otaflow API token (otaflow_<16 characters>_<43 characters>)"));
    ApiTokenRecord record = tokens.create(parts.group(1), user, role, null, hashes.encode(parts.group(2)), issuedBy,
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
    verified.invalidate(tokenId);
    return tokens.token(tokenId).orElseThrow(() -> new UnknownTokenException(tokenId));
  }

  public boolean anyUsableAdminToken() {
    return tokens.anyUsable(UserRole.ADMIN);
  }

  /** Spring Security's resource server asks here for every request whose bearer token starts with otaflow_. */
  @Override
  public OAuth2AuthenticatedPrincipal introspect(String token) {
    Matcher parts = parse(token).orElseThrow(() -> new BadOpaqueTokenException("not an otaflow API token"));
    String tokenId = parts.group(1);
    byte[] secretDigest = sha256(parts.group(2));
    Verified known = verified.getIfPresent(tokenId);
    ApiTokenRecord record;
    if (known != null && MessageDigest.isEqual(known.secretDigest(), secretDigest)) {
      record = known.record();
    } else {
      record = tokens.token(tokenId)
          .filter(found -> hashes.matches(parts.group(2), found.secretHash()))
          .orElseThrow(() -> new BadOpaqueTokenException("unknown API token"));
      if (record.revokedAt() == null) {
        verified.put(tokenId, new Verified(secretDigest, record));
      }
    }
    if (record.revokedAt() != null) {
      throw new BadOpaqueTokenException("API token " + record.tokenId() + " was revoked at " + record.revokedAt());
    }
    if (!clock.instant().isBefore(record.expiresAt())) {
      throw new BadOpaqueTokenException("API token " + record.tokenId() + " expired at " + record.expiresAt());
    }
    Map<String, Object> attributes = record.robotId() == null ? Map.of(USER_ATTRIBUTE, record.user())
        : Map.of(USER_ATTRIBUTE, record.user(), ROBOT_ATTRIBUTE, record.robotId());
    return new OAuth2IntrospectionAuthenticatedPrincipal(record.user(), attributes,
        AuthorityUtils.createAuthorityList(record.role().authority()));
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static boolean looksLikeApiToken(String token) {
    return token.startsWith(PREFIX);
  }

  private static Optional<Matcher> parse(String token) {
    Matcher parts = TOKEN.matcher(token.strip());
    return parts.matches() ? Optional.of(parts) : Optional.empty();
  }
}
