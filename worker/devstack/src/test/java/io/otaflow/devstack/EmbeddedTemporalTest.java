package io.otaflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.otaflow.domain.OtaflowSearchAttributes;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import org.junit.jupiter.api.Test;

class EmbeddedTemporalTest {

  @Test
  void itsNamespaceHasOtaflowsSearchAttributesFromTheStart() {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
          OperatorServiceStubsOptions.newBuilder().setTarget(temporal.target()).validateAndBuildWithDefaults());
      try {
        for (SearchAttributeKey<String> key : OtaflowSearchAttributes.KEYS) {
          assertThatThrownBy(() -> operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
              .setNamespace("default").putSearchAttributes(key.getName(), key.getValueType()).build()))
              .as(key.getName()).isInstanceOfSatisfying(StatusRuntimeException.class,
                  refused -> assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
        }
      } finally {
        operator.shutdown();
      }
    }
  }
}
