package io.otaflow.controlplane.api;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A company identity provider at the edge of the tests, as Keycloak serves one under a realm: its discovery document,
 * its public keys, and OpenID Connect's authorization-code flow (the person at its sign-in page is {@link #signInAs}).
 * It signs with a key the test holds, so the test can also make JWTs of its own ({@link #jwt}).
 */
final class TestIdentityProvider implements AutoCloseable {

  private final RSAKey key = rsaKey("idp-key");
  private final HttpServer server;
  private final String issuer;
  /** Who signs in at the provider next, and the otaflow roles its token gives them. */
  private volatile String user = "dana";
  private volatile List<String> roles = List.of("viewer");
  /** Each code issued, with the ID token it is exchanged for. */
  private final Map<String, String> idTokens = new ConcurrentHashMap<>();

  private TestIdentityProvider(HttpServer server) {
    this.server = server;
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/acme";
  }

  static TestIdentityProvider start() {
    try {
      TestIdentityProvider provider = new TestIdentityProvider(
          HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
      provider.serve();
      return provider;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String issuer() {
    return issuer;
  }

  /** The key this provider signs with (another one of the same ID makes tokens it never issued). */
  RSAKey key() {
    return key;
  }

  void signInAs(String user, List<String> roles) {
    this.user = user;
    this.roles = List.copyOf(roles);
  }

  /** A JWT as this provider issues them for the client {@code audience}, signed with {@code key}. */
  static String jwt(RSAKey key, String issuer, String audience, String user, List<String> roles, Instant expires,
                    String nonce) {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("id-" + user)
        .claim("preferred_username", user).claim("roles", roles)
        .issueTime(Date.from(expires.minusSeconds(600))).expirationTime(Date.from(expires));
    if (nonce != null) {
      claims.claim("nonce", nonce);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
        claims.build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  static RSAKey rsaKey(String keyId) {
    try {
      return new RSAKeyGenerator(2048).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private void serve() {
    json("/realms/acme/.well-known/openid-configuration", "{\"issuer\": \"" + issuer + "\","
        + " \"authorization_endpoint\": \"" + issuer + "/auth\", \"token_endpoint\": \"" + issuer + "/token\","
        + " \"jwks_uri\": \"" + issuer + "/certs\", \"response_types_supported\": [\"code\"],"
        + " \"subject_types_supported\": [\"public\"], \"id_token_signing_alg_values_supported\": [\"RS256\"],"
        + " \"token_endpoint_auth_methods_supported\": [\"client_secret_basic\"]}");
    json("/realms/acme/certs", new JWKSet(key.toPublicJWK()).toString());
    // The person signs in at once: back to the client with a code for an ID token carrying the client's nonce.
    server.createContext("/realms/acme/auth", exchange -> {
      Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
      String code = UUID.randomUUID().toString();
      idTokens.put(code, jwt(key, issuer, query.get("client_id"), user, roles, Instant.now().plusSeconds(300),
          query.get("nonce")));
      exchange.getResponseHeaders().set("Location", query.get("redirect_uri") + "?code=" + code + "&state="
          + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(302, -1);
      exchange.close();
    });
    server.createContext("/realms/acme/token", exchange -> {
      String idToken = idTokens.remove(form(new String(exchange.getRequestBody().readAllBytes(),
          StandardCharsets.UTF_8)).get("code"));
      if (idToken == null) {
        send(exchange, 400, "{\"error\": \"invalid_grant\"}");
        return;
      }
      send(exchange, 200, "{\"access_token\": \"access-" + UUID.randomUUID() + "\", \"token_type\": \"Bearer\","
          + " \"expires_in\": 300, \"id_token\": \"" + idToken + "\"}");
    });
    server.start();
  }

  private void json(String path, String body) {
    server.createContext(path, exchange -> send(exchange, 200, body));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static Map<String, String> form(String encoded) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : encoded == null ? new String[0] : encoded.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        fields.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
