package io.otaflow.controlplane.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document springdoc serves at {@code /v3/api-docs}: every endpoint, each needing a bearer token. */
@ConditionalOnWebApplication
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

  private static final String BEARER = "bearer";

  @Bean
  OpenAPI otaflowApi() {
    return new OpenAPI()
        .info(new Info().title("otaflow control plane").version("v1")
            .description("Releases, rollouts, robots, the kill switch, API tokens and the audit trail. Send an otaflow"
                + " API token or an OpenID Connect JWT as Authorization: Bearer; errors are RFC 7807 problems."))
        .components(new Components().addSecuritySchemes(BEARER,
            new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme(BEARER)))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }
}
