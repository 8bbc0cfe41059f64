package dev.tufrepo.cli;

import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyFormatException;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.internal.Hex;
import dev.tufrepo.model.internal.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Reading and writing PEM key files: private keys (signers) and public keys (TUF keys). */
final class KeyFiles {
  static final SecureRandom RANDOM = new SecureRandom();
  private static final ASN1ObjectIdentifier ED25519_OID = new ASN1ObjectIdentifier("1.3.101.112");

  /** A key read from a PEM file: the public key, and the signer when the file is private. */
  record Loaded(Key key, PrivateKeySigner signer, Path file) {
    boolean isPrivate() {
      return signer != null;
    }
  }

  private KeyFiles() {}

  /** Parses a key type name: ed25519, ecdsa (P-256) or rsa (3072, RSASSA-PSS). */
  static KeyScheme scheme(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "ed25519" -> KeyScheme.ED25519;
      case "ecdsa", "ecdsa-sha2-nistp256", "p256", "p-256" -> KeyScheme.ECDSA_P256;
      case "rsa", "rsassa-pss-sha256", "rsa3072" -> KeyScheme.RSA_PSS_SHA256;
      default ->
          throw CliException.invalid(
              "key type: unknown \"" + name + "\", expected ed25519, ecdsa or rsa");
    };
  }

  static PrivateKeySigner generate(KeyScheme scheme) {
    return PrivateKeySigner.generate(scheme, RANDOM);
  }

  /** Reads a PEM file holding a private key or a public key. */
  static Loaded read(Path file) {
    String text;
    try {
      if (Files.size(file) > 1 << 16) {
        throw CliException.invalid(file + ": too large for a PEM key file");
      }
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw CliException.io("cannot read key file " + file + ": " + e, e);
    }
    try {
      return parse(text, file);
    } catch (KeyFormatException e) {
      throw CliException.invalid(file + ": " + e.getMessage());
    }
  }

  static Loaded parse(String pem, Path file) {
    if (pem.contains("ENCRYPTED")) {
      throw CliException.invalid(
          file + ": encrypted PEM keys are not supported; decrypt it first (openssl pkey)");
    }
    if (pem.contains("PRIVATE KEY-----")) {
      PrivateKeySigner s = PrivateKeySigner.fromPem(pem);
      return new Loaded(s.publicKey(), s, file);
    }
    return new Loaded(publicKey(pem), null, file);
  }

  /** A TUF key from a {@code PUBLIC KEY} PEM (SubjectPublicKeyInfo). */
  static Key publicKey(String pem) {
    Pem.Block block = Pem.decode(pem);
    if (!block.label().equals("PUBLIC KEY")) {
      throw new KeyFormatException(
          "expected a PUBLIC KEY or PRIVATE KEY PEM, found " + block.label());
    }
    SubjectPublicKeyInfo spki;
    try {
      spki = SubjectPublicKeyInfo.getInstance(block.der());
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("malformed public key: " + e.getMessage(), e);
    }
    var alg = spki.getAlgorithm().getAlgorithm();
    Key key;
    if (alg.equals(ED25519_OID)) {
      key = Key.of(KeyScheme.ED25519, Hex.encode(spki.getPublicKeyData().getBytes()));
    } else if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      key = Key.of(KeyScheme.ECDSA_P256, Pem.encode("PUBLIC KEY", block.der()));
    } else if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      key = Key.of(KeyScheme.RSA_PSS_SHA256, Pem.encode("PUBLIC KEY", block.der()));
    } else {
      throw new KeyFormatException("unsupported public key algorithm " + alg);
    }
    key.verifier(); // checks curve and size
    return key;
  }

  /** Writes {@code text} to a new file readable only by its owner (0600 where POSIX). */
  static void writePrivate(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
      Files.writeString(
          file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw CliException.invalid(file + ": already exists; refusing to overwrite a key file");
    } catch (IOException e) {
      throw CliException.io("cannot write key file " + file + ": " + e, e);
    }
  }

  /** Writes a new private key file and returns it. */
  static Path writeSigner(Path file, PrivateKeySigner signer) {
    writePrivate(file, signer.toPkcs8Pem());
    return file;
  }

  /** The public key of {@code key} as a PEM: for ed25519, built from the raw hex value. */
  static String publicPem(Key key) {
    String v = key.publicValue();
    if (v.startsWith("-----BEGIN")) {
      return v;
    }
    try {
      byte[] der =
          new SubjectPublicKeyInfo(
                  new org.bouncycastle.asn1.x509.AlgorithmIdentifier(ED25519_OID), Hex.decode(v))
              .getEncoded("DER");
      return Pem.encode("PUBLIC KEY", der);
    } catch (IOException e) {
      throw new KeyFormatException("cannot encode the public key: " + e.getMessage(), e);
    }
  }
}
