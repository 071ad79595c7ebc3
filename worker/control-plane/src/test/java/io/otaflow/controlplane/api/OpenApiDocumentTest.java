package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** The OpenAPI document lists every endpoint the control plane serves, with its methods, behind a bearer token. */
class OpenApiDocumentTest {

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(dataDir -> Map.of());

  @Test
  void everyEndpointIsInTheDocument() throws Exception {
    Set<String> served = new TreeSet<>();
    Map<RequestMappingInfo, HandlerMethod> handlers = api.bean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class)
        .getHandlerMethods();
    handlers.forEach((info, handler) -> info.getPatternValues().stream()
        .filter(pattern -> pattern.startsWith("/api/"))
        .forEach(pattern -> info.getMethodsCondition().getMethods()
            .forEach(method -> served.add(method.name() + " " + pattern))));

    JsonNode document = api.get("/v3/api-docs").body();
    Set<String> documented = new TreeSet<>();
    document.get("paths").fields().forEachRemaining(path -> {
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        documented.add(methods.next().toUpperCase() + " " + path.getKey());
      }
    });

    assertThat(served).as("the control plane serves its API").contains("POST /api/v1/rollouts",
        "GET /api/v1/audit", "POST /api/v1/tokens");
    assertThat(documented).isEqualTo(served);
    assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    assertThat(api.withToken(null).get("/v3/api-docs").status()).isEqualTo(401);
  }
}
