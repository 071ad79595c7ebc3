package io.otaflow.controlplane;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.otaflow.domain.OtaflowSearchAttributes;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc.OperatorServiceBlockingStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.ServiceStubsOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otaflow's search attributes ({@link OtaflowSearchAttributes#KEYS}) in the control plane's namespace, at start.
 * Temporal refuses to start a workflow with a search attribute its namespace does not have, so without them the first
 * rollout would fail; on a real cluster, where an operator registers them, the control plane refuses to start instead,
 * naming the missing ones and the commands that create them. Temporal's test server cannot list them: there they are
 * registered.
 */
public final class SearchAttributeCheck {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeCheck.class);
  /** A server that does not answer in this time cannot run rollouts either. */
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private final ServiceStubsOptions temporal;
  private final String namespace;

  /** @param temporal how to reach Temporal (target, TLS, API key), as the control plane's workflow client does */
  public SearchAttributeCheck(ServiceStubsOptions temporal, String namespace) {
    this.temporal = temporal;
    this.namespace = namespace;
  }

  /**
   * @throws IllegalStateException naming the attributes the namespace lacks and the commands that create them, or
   *                               why they could not be listed; the same line is logged
   */
  public void requireRegistered() {
    Set<String> registered;
    try {
      registered = call(operator -> operator.listSearchAttributes(
          ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())).getCustomAttributesMap().keySet();
    } catch (StatusRuntimeException unlisted) {
      throw refusal("cannot list the search attributes of Temporal namespace " + namespace + ": " + unlisted.getMessage()
          + (unlisted.getStatus().getCode() == Status.Code.UNIMPLEMENTED ? " (Temporal's test server cannot: start"
          + " the control plane with --test-server, otaflow.temporal.test-server=true)" : ""));
    }
    List<String> missing = OtaflowSearchAttributes.KEYS.stream().map(SearchAttributeKey::getName)
        .filter(name -> !registered.contains(name)).toList();
    if (!missing.isEmpty()) {
      throw refusal("Temporal namespace " + namespace + " lacks otaflow's search attributes "
          + String.join(", ", missing) + ", which every rollout's workflows carry; create them, then start otaflow"
          + " again: " + missing.stream().map(name -> "temporal operator search-attribute create --namespace "
          + namespace + " --name " + name + " --type Keyword").collect(Collectors.joining(" && ")));
    }
  }

  /** On Temporal's test server, which cannot list them: registers each one it does not have yet. */
  public void registerOnTestServer() {
    call(operator -> {
      for (SearchAttributeKey<String> key : OtaflowSearchAttributes.KEYS) {
        try {
          operator.addSearchAttributes(AddSearchAttributesRequest.newBuilder().setNamespace(namespace)
              .putSearchAttributes(key.getName(), key.getValueType()).build());
        } catch (StatusRuntimeException refused) {
          if (refused.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw refused;
          }
        }
      }
      return null;
    });
    log.info("search attributes {} registered on Temporal's test server", OtaflowSearchAttributes.KEYS.stream()
        .map(SearchAttributeKey::getName).collect(Collectors.joining(", ")));
  }

  /** Calls on a connection of their own, closed after them: the check runs once, at start. */
  private <T> T call(Function<OperatorServiceBlockingStub, T> calls) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(temporal).validateAndBuildWithDefaults());
    try {
      return calls.apply(operator.blockingStub().withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } finally {
      operator.shutdown();
    }
  }

  private static IllegalStateException refusal(String message) {
    log.error(message);
    return new IllegalStateException(message);
  }
}
