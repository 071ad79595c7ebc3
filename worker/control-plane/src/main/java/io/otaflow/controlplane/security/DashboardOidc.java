package io.otaflow.controlplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.stereotype.Component;

/**
 * The dashboard's sign-in through the company identity provider: OpenID Connect's authorization-code flow, with
 * otaflow as the client {@code otaflow.oidc.audience} (the audience the API already requires of JWTs) and its secret
 * from {@code otaflow.oidc.client-secret-file}. Enabled when both the issuer and the secret file are set. The ID token
 * the provider issues becomes the session's token, checked on every request as the API checks a JWT (issuer,
 * audience, expiry, roles claim): the sign-in ends when it expires. The provider's endpoints are read from its
 * discovery document at the first sign-in, so a start never waits for it.
 */
@ConditionalOnWebApplication
@Component
public class DashboardOidc implements ClientRegistrationRepository {

  /** The one client registration: its ID appears in the sign-in and callback paths. */
  static final String REGISTRATION = "otaflow";
  static final String AUTHORIZATION_PATH = DashboardSecurityConfig.UI + "/oauth2/authorization";
  static final String CALLBACK_PATH = DashboardSecurityConfig.UI + "/login/oauth2/code/";

  private final String issuer;
  private final String clientId;
  private final Path clientSecretFile;
  private volatile ClientRegistration registration;

  DashboardOidc(@Value("${otaflow.oidc.issuer:}") String issuer,
                @Value("${otaflow.oidc.audience:}") String clientId,
                @Value("${otaflow.oidc.client-secret-file:}") String clientSecretFile) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.clientSecretFile = clientSecretFile.isBlank() ? null : Path.of(clientSecretFile);
  }

  boolean enabled() {
    return !issuer.isBlank() && clientSecretFile != null;
  }

  /** Where the sign-in page's "company account" link starts the flow. */
  static String signInPath() {
    return AUTHORIZATION_PATH + "/" + REGISTRATION;
  }

  @Override
  public ClientRegistration findByRegistrationId(String registrationId) {
    if (!enabled() || !REGISTRATION.equals(registrationId)) {
      return null;
    }
    ClientRegistration found = registration;
    if (found == null) {
      synchronized (this) {
        if (registration == null) {
          registration = ClientRegistrations.fromIssuerLocation(issuer).registrationId(REGISTRATION)
              .clientId(clientId).clientSecret(clientSecret())
              .scope("openid", "profile")
              .redirectUri("{baseUrl}" + CALLBACK_PATH + "{registrationId}")
              .build();
        }
        found = registration;
      }
    }
    return found;
  }

  private String clientSecret() {
    try {
      return Files.readString(clientSecretFile).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OIDC client secret file " + clientSecretFile, e);
    }
  }
}
