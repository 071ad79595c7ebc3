package io.otaflow.wire;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context of a Temporal connection, shared by the robot agent and the control plane. */
public final class TemporalTls {

  private TemporalTls() {
  }

  /**
   * @param certChainFile PEM client certificate chain; null with keyFile: no client certificate (server-side TLS only)
   * @param keyFile PKCS#8 PEM private key of the client certificate
   * @param caFile PEM CA certificate(s) the server's certificate must chain to; null: the JVM's trusted CAs
   */
  public static SslContext sslContext(Path certChainFile, Path keyFile, Path caFile)
      throws IOException, GeneralSecurityException {
    if ((certChainFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("a client certificate needs both its chain and its key");
    }
    TrustManager trust = caFile == null ? null : trustManager(caFile);
    if (certChainFile == null) {
      return withTrust(SimpleSslContextBuilder.noKeyOrCertChain(), trust).build();
    }
    // The builder reads the PEM streams in build(), so it must run while they are open.
    try (InputStream cert = Files.newInputStream(certChainFile);
         InputStream key = Files.newInputStream(keyFile)) {
      return withTrust(SimpleSslContextBuilder.forPKCS8(cert, key), trust).build();
    }
  }

  private static SimpleSslContextBuilder withTrust(SimpleSslContextBuilder ssl, TrustManager trust) {
    return trust == null ? ssl : ssl.setTrustManager(trust);
  }

  private static TrustManager trustManager(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in " + caFile);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers()[0];
  }
}
