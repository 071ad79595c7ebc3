package io.otaflow.devstack;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Temporal's in-memory test server behind a TLS gRPC endpoint on a free localhost port, like a production frontend:
 * either mTLS (client certificates signed by the test CA required) or an API key checked as Temporal Cloud does.
 *
 * <p>{@code TestServer.createPortBoundServer} only serves plaintext, so this binds the same services
 * ({@link TestServicesStarter#getServices()}: workflow, operator and test service, plus gRPC health) to a Netty
 * server of our own. Time is real (time skipping locked), as in {@link EmbeddedTemporal}.
 */
public final class TlsTestTemporal implements AutoCloseable {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TestServicesStarter services;
  private final Server server;

  private TlsTestTemporal(SslContext ssl, List<ServerInterceptor> interceptors) {
    services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(new InetSocketAddress(TestCertificates.SERVER_IP, 0))
        .sslContext(ssl);
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder, interceptors);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException("cannot start the TLS test endpoint", e);
    }
  }

  /** Serves with {@code certificates}' server certificate and requires a client certificate signed by its CA. */
  public static TlsTestTemporal mutualTls(TestCertificates certificates) {
    return start(certificates, ssl -> ssl.trustManager(certificates.caFile().toFile()).clientAuth(ClientAuth.REQUIRE),
        List.of());
  }

  /**
   * Serves with {@code certificates}' server certificate, no client certificate, and answers UNAUTHENTICATED to
   * every call without {@code authorization: Bearer <apiKey>}.
   */
  public static TlsTestTemporal apiKey(TestCertificates certificates, String apiKey) {
    return start(certificates, UnaryOperator.identity(), List.of(requireBearer(apiKey)));
  }

  private static TlsTestTemporal start(TestCertificates certificates, UnaryOperator<SslContextBuilder> clientAuth,
                                       List<ServerInterceptor> interceptors) {
    TestCertificates.CertificateFiles server = certificates.server("temporal");
    try {
      return new TlsTestTemporal(clientAuth.apply(GrpcSslContexts.forServer(server.certificate().toFile(),
          server.privateKey().toFile())).build(), interceptors);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the TLS test endpoint's server context", e);
    }
  }

  private static ServerInterceptor requireBearer(String apiKey) {
    String expected = "Bearer " + apiKey;
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                        ServerCallHandler<Q, A> next) {
        if (expected.equals(headers.get(AUTHORIZATION))) {
          return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("invalid API key"), new Metadata());
        return new ServerCall.Listener<>() {
        };
      }
    };
  }

  /** host:port for a Temporal client, the address the server certificate names. */
  public String target() {
    return TestCertificates.SERVER_IP + ":" + server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
    services.close();
  }
}
