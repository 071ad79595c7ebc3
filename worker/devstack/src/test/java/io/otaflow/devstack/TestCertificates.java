package io.otaflow.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one test run, and the server and client certificates it signs, written as PEM
 * files (certificates as CERTIFICATE, keys as PKCS#8 PRIVATE KEY: what the SDK's {@code forPKCS8} and the Spring
 * starter's mtls key-file read).
 */
public final class TestCertificates {

  /** A certificate and its private key, both PEM. */
  public record CertificateFiles(Path certificate, Path privateKey) {
  }

  /** The address test servers listen on and their certificates name. */
  public static final String SERVER_IP = "127.0.0.1";

  private static final Duration VALIDITY = Duration.ofDays(1);

  private final Path dir;
  private final String caName;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final Path caFile;
  private final AtomicLong serial = new AtomicLong(1);

  private TestCertificates(Path dir, String caName) throws GeneralSecurityException, IOException {
    this.dir = dir;
    this.caName = caName;
    this.caKeys = newKeyPair();
    this.caCertificate = sign(caKeys, caName, builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    });
    this.caFile = dir.resolve(caName + "-ca.pem");
    writePem(caFile, caCertificate);
  }

  /** A new CA named {@code caName}; its files go to {@code dir}. */
  public static TestCertificates newAuthority(Path dir, String caName) {
    try {
      return new TestCertificates(dir, caName);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create test CA " + caName, e);
    }
  }

  /** The CA's certificate: what a client or server trusts. */
  public Path caFile() {
    return caFile;
  }

  /** A server certificate for localhost and {@link #SERVER_IP}, where the test endpoints listen. */
  public CertificateFiles server(String name) {
    return issue(name, KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, SERVER_IP)}));
  }

  /** A client certificate for mTLS. */
  public CertificateFiles client(String name) {
    return issue(name, KeyPurposeId.id_kp_clientAuth, null);
  }

  private CertificateFiles issue(String name, KeyPurposeId purpose, GeneralNames subjectAlternativeNames) {
    try {
      KeyPair keys = newKeyPair();
      X509Certificate certificate = sign(keys, name, builder -> {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (subjectAlternativeNames != null) {
          builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames);
        }
      });
      CertificateFiles files = new CertificateFiles(dir.resolve(caName + "-" + name + ".pem"),
          dir.resolve(caName + "-" + name + ".key"));
      writePem(files.certificate(), certificate);
      writePem(files.privateKey(), new JcaPKCS8Generator(keys.getPrivate(), null));
      return files;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue test certificate " + name, e);
    }
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws CertIOException;
  }

  /** A certificate for {@code keys} signed by the CA (self-signed when they are the CA's keys). */
  private X509Certificate sign(KeyPair keys, String subject, Extensions extensions)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + caName),
        BigInteger.valueOf(serial.getAndIncrement()), Date.from(now.minus(Duration.ofMinutes(1))),
        Date.from(now.plus(VALIDITY)), new X500Name("CN=" + subject), keys.getPublic());
    extensions.add(builder);
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static void writePem(Path file, Object object) {
    try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
