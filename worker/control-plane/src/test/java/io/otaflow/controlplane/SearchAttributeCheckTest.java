package io.otaflow.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.otaflow.domain.OtaflowSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The control plane's start against a namespace with and without otaflow's search attributes. */
class SearchAttributeCheckTest {

  private static final IndexedValueType KEYWORD = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

  private Server server;
  private ManagedChannel channel;
  private final List<String> namespacesAsked = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  /** A cluster's operator service, in process, whose namespace has {@code registered} as custom attributes. */
  private SearchAttributeCheck checkAgainstCluster(Map<String, IndexedValueType> registered) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new OperatorServiceGrpc.OperatorServiceImplBase() {
          @Override
          public void listSearchAttributes(ListSearchAttributesRequest request,
                                           StreamObserver<ListSearchAttributesResponse> response) {
            namespacesAsked.add(request.getNamespace());
            response.onNext(ListSearchAttributesResponse.newBuilder().putAllCustomAttributes(registered)
                .putSystemAttributes("WorkflowId", KEYWORD).build());
            response.onCompleted();
          }
        }).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return new SearchAttributeCheck(OperatorServiceStubsOptions.newBuilder().setChannel(channel).build(), "fleet");
  }

  @Test
  void aNamespaceWithoutThemRefusesToStartNamingTheCommandsThatCreateThem() throws Exception {
    SearchAttributeCheck check = checkAgainstCluster(Map.of("OtaflowRolloutId", KEYWORD, "OtaflowRelease", KEYWORD,
        "CustomerId", KEYWORD));
    Logger logger = (Logger) LoggerFactory.getLogger(SearchAttributeCheck.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    String expected = "Temporal namespace fleet lacks otaflow's search attributes OtaflowRobotId, OtaflowStage,"
        + " OtaflowStatus, which every rollout's workflows carry; create them, then start otaflow again:"
        + " temporal operator search-attribute create --namespace fleet --name OtaflowRobotId --type Keyword"
        + " && temporal operator search-attribute create --namespace fleet --name OtaflowStage --type Keyword"
        + " && temporal operator search-attribute create --namespace fleet --name OtaflowStatus --type Keyword";
    try {
      assertThatThrownBy(check::requireRegistered).isInstanceOf(IllegalStateException.class).hasMessage(expected);
    } finally {
      logger.detachAppender(logged);
    }

    assertThat(namespacesAsked).containsExactly("fleet");
    assertThat(logged.list).singleElement().satisfies(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.ERROR);
      assertThat(line.getFormattedMessage()).isEqualTo(expected);
    });
  }

  @Test
  void aNamespaceWithAllOfThemPasses() throws Exception {
    SearchAttributeCheck check = checkAgainstCluster(Map.of("OtaflowRolloutId", KEYWORD, "OtaflowRelease", KEYWORD,
        "OtaflowRobotId", KEYWORD, "OtaflowStage", KEYWORD, "OtaflowStatus", KEYWORD));

    assertThatCode(check::requireRegistered).doesNotThrowAnyException();
  }

  @Test
  void theTestServerCannotListThemSoTheCheckSaysHowToRunAgainstIt() throws Exception {
    try (TemporalTestServer temporal = TemporalTestServer.start()) {
      SearchAttributeCheck check = new SearchAttributeCheck(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build(), "default");

      assertThatThrownBy(check::requireRegistered).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot list the search attributes of Temporal namespace default: ")
          .hasMessageEndingWith("(Temporal's test server cannot: start the control plane with --test-server,"
              + " otaflow.temporal.test-server=true)");
    }
  }

  @Test
  void onTheTestServerTheyAreRegisteredAndWorkflowsStartWithThem() throws Exception {
    try (TemporalTestServer temporal = TemporalTestServer.start()) {
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      try {
        SearchAttributeCheck check = new SearchAttributeCheck(service.getOptions(), "default");
        check.registerOnTestServer();
        assertThatCode(check::registerOnTestServer).as("a restarted control plane finds them there")
            .doesNotThrowAnyException();

        // Temporal refuses to start a workflow with a search attribute its namespace does not have.
        WorkflowClient client = WorkflowClient.newInstance(service);
        client.newUntypedWorkflowStub("AnyWorkflow", WorkflowOptions.newBuilder().setWorkflowId("carrier")
            .setTaskQueue("nobody-polls").setTypedSearchAttributes(new OtaflowSearchAttributes("r1", "2.0.0", "r07",
                "canary", "PENDING").toSearchAttributes()).build()).start();
        assertThat(client.newUntypedWorkflowStub("carrier").describe().getTypedSearchAttributes().size())
            .isEqualTo(OtaflowSearchAttributes.KEYS.size());
      } finally {
        service.shutdownNow();
      }
    }
  }
}
