package io.otaflow.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys and signatures for release manifests, with the JDK's own provider.
 *
 * <p>Key files are PEM text: a private key is its PKCS#8 encoding in base64 between {@code -----BEGIN PRIVATE KEY-----}
 * and {@code -----END PRIVATE KEY-----}, written readable by its owner only (mode 600) where the file system has
 * POSIX permissions; a public key is its X.509 (SubjectPublicKeyInfo) encoding between
 * {@code -----BEGIN PUBLIC KEY-----} and {@code -----END PUBLIC KEY-----}. Existing key files are never overwritten.
 */
public final class ManifestSigner {

  public static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE_LABEL = "PRIVATE KEY";
  private static final String PUBLIC_LABEL = "PUBLIC KEY";

  private ManifestSigner() {
  }

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no " + ALGORITHM + " (Java 15 or later has)", e);
    }
  }

  /** The first 16 hex characters of the SHA-256 of the public key's X.509 encoding. */
  public static String keyId(PublicKey publicKey) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
      return HexFormat.of().formatHex(hash).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Signs the manifest's canonical bytes; the public key names the key and proves the pair belongs together. */
  public static SignedManifest sign(ReleaseManifest manifest, PrivateKey privateKey, PublicKey publicKey) {
    byte[] bytes = manifest.canonicalBytes();
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(privateKey);
      signer.update(bytes);
      byte[] signature = signer.sign();
      if (!verifies(bytes, signature, publicKey)) {
        throw new IllegalArgumentException("the private key and the public key " + keyId(publicKey)
            + " are not a pair");
      }
      return new SignedManifest(manifest, keyId(publicKey), Base64.getEncoder().encodeToString(signature));
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an " + ALGORITHM + " private key: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign manifest " + manifest.version(), e);
    }
  }

  static boolean verifies(byte[] bytes, byte[] signature, PublicKey publicKey) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update(bytes);
      return verifier.verify(signature);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an " + ALGORITHM + " public key: " + e.getMessage(), e);
    } catch (java.security.SignatureException e) {
      return false; // malformed signature bytes
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no " + ALGORITHM, e);
    }
  }

  /** Writes a new private key file, mode 600 where supported; refuses to overwrite. */
  public static void writePrivateKey(Path file, PrivateKey key) {
    String text = pem(PRIVATE_LABEL, key.getEncoded());
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // Created with owner-only permissions, so the key is never readable by others, not even briefly.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      } else {
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("key file " + file + " already exists; not overwriting it");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write private key " + file, e);
    }
  }

  /** Writes a new public key file; refuses to overwrite. */
  public static void writePublicKey(Path file, PublicKey key) {
    try {
      Files.writeString(file, pem(PUBLIC_LABEL, key.getEncoded()), StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException("key file " + file + " already exists; not overwriting it");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write public key " + file, e);
    }
  }

  /** Where {@code otaflow keys generate} puts the public key of a private key file: NAME.key -> NAME.pub beside it. */
  public static Path publicKeyFile(Path privateKeyFile) {
    String name = privateKeyFile.getFileName().toString();
    String base = name.endsWith(".key") ? name.substring(0, name.length() - ".key".length()) : name;
    return privateKeyFile.resolveSibling(base + ".pub");
  }

  public static PrivateKey readPrivateKey(Path file) {
    byte[] der = unpem(file, PRIVATE_LABEL);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(file + " is not an " + ALGORITHM + " private key", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no " + ALGORITHM, e);
    }
  }

  public static PublicKey readPublicKey(Path file) {
    byte[] der = unpem(file, PUBLIC_LABEL);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(file + " is not an " + ALGORITHM + " public key", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no " + ALGORITHM, e);
    }
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static byte[] unpem(Path file, String label) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("key file " + file + " not found");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key " + file, e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(file + " is not a " + label.toLowerCase() + " file (expected " + begin
          + ")");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": bad base64 in " + label.toLowerCase(), e);
    }
  }
}
