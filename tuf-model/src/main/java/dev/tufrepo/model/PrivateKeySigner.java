package dev.tufrepo.model;

import dev.tufrepo.model.internal.FastEd25519;
import dev.tufrepo.model.internal.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A {@link Signer} holding a private key in memory: Ed25519, ECDSA P-256 (deterministic nonces, RFC
 * 6979) or RSA-PSS. Signing uses BouncyCastle's lightweight API, measured many times faster than
 * the JDK 17 providers for Ed25519 and ECDSA; Ed25519 hashes with the JDK's SHA-512 where it can
 * (see {@code internal.FastEd25519}). Thread-safe.
 */
public final class PrivateKeySigner implements Signer {
  private final KeyScheme scheme;
  private final AsymmetricKeyParameter privateKey;
  private final Key publicKey;
  private final String keyid;
  private final FastEd25519.SigningKey ed25519;
  private final SecureRandom random;

  private PrivateKeySigner(
      KeyScheme scheme, AsymmetricKeyParameter privateKey, Key publicKey, SecureRandom random) {
    this.scheme = scheme;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyid = publicKey.keyId();
    this.random = random;
    this.ed25519 =
        privateKey instanceof Ed25519PrivateKeyParameters ed ? FastEd25519.signingKey(ed) : null;
  }

  /**
   * Reads an unencrypted private key from PEM: PKCS#8 ({@code PRIVATE KEY}), SEC 1 ({@code EC
   * PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}).
   */
  public static PrivateKeySigner fromPem(String pem) {
    Pem.Block block = Pem.decode(pem);
    PrivateKeyInfo info;
    try {
      info =
          switch (block.label()) {
            case "PRIVATE KEY" -> PrivateKeyInfo.getInstance(block.der());
            case "EC PRIVATE KEY" ->
                new PrivateKeyInfo(
                    new AlgorithmIdentifier(
                        X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.prime256v1),
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(block.der()));
            case "RSA PRIVATE KEY" ->
                new PrivateKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(block.der()));
            default ->
                throw new KeyFormatException(
                    "expected a PRIVATE KEY PEM block, found " + block.label());
          };
      return fromPrivateKey(PrivateKeyFactory.createKey(info));
    } catch (IOException | IllegalArgumentException e) {
      throw new KeyFormatException("malformed private key: " + e.getMessage(), e);
    }
  }

  /** Generates a new key: Ed25519, ECDSA P-256, or RSA 3072. */
  public static PrivateKeySigner generate(KeyScheme scheme, SecureRandom random) {
    return switch (scheme) {
      case ED25519 -> fromPrivateKey(new Ed25519PrivateKeyParameters(random));
      case ECDSA_P256 -> {
        ECKeyPairGenerator gen = new ECKeyPairGenerator();
        gen.init(new ECKeyGenerationParameters(p256(), random));
        yield fromPrivateKey(gen.generateKeyPair().getPrivate());
      }
      case RSA_PSS_SHA256 -> {
        RSAKeyPairGenerator gen = new RSAKeyPairGenerator();
        gen.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), random, 3072, 112));
        AsymmetricCipherKeyPair pair = gen.generateKeyPair();
        yield fromPrivateKey(pair.getPrivate());
      }
    };
  }

  private static PrivateKeySigner fromPrivateKey(AsymmetricKeyParameter key) {
    SecureRandom random = new SecureRandom();
    try {
      if (key instanceof Ed25519PrivateKeyParameters ed) {
        String hex = dev.tufrepo.model.internal.Hex.encode(ed.generatePublicKey().getEncoded());
        return new PrivateKeySigner(KeyScheme.ED25519, key, Key.of(KeyScheme.ED25519, hex), random);
      }
      if (key instanceof ECPrivateKeyParameters ec) {
        ECNamedDomainParameters params = p256();
        if (!ec.getParameters().getCurve().equals(params.getCurve())) {
          throw new KeyFormatException("only P-256 ECDSA keys are supported");
        }
        ECPrivateKeyParameters named = new ECPrivateKeyParameters(ec.getD(), params);
        ECPublicKeyParameters pub =
            new ECPublicKeyParameters(
                new FixedPointCombMultiplier().multiply(params.getG(), ec.getD()).normalize(),
                params);
        String pem =
            Pem.encode(
                "PUBLIC KEY",
                SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded("DER"));
        return new PrivateKeySigner(
            KeyScheme.ECDSA_P256, named, Key.of(KeyScheme.ECDSA_P256, pem), random);
      }
      if (key instanceof RSAPrivateCrtKeyParameters rsa) {
        if (rsa.getModulus().bitLength() < 2048) {
          throw new KeyFormatException("RSA keys must have at least 2048 bits");
        }
        RSAKeyParameters pub =
            new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
        String pem =
            Pem.encode(
                "PUBLIC KEY",
                SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded("DER"));
        return new PrivateKeySigner(
            KeyScheme.RSA_PSS_SHA256, key, Key.of(KeyScheme.RSA_PSS_SHA256, pem), random);
      }
    } catch (IOException e) {
      throw new KeyFormatException("cannot encode the public key: " + e.getMessage(), e);
    }
    throw new KeyFormatException("unsupported private key type " + key.getClass().getSimpleName());
  }

  private static ECNamedDomainParameters p256() {
    return ECNamedDomainParameters.lookup(SECObjectIdentifiers.secp256r1);
  }

  /** The TUF public key object of this key. */
  public Key publicKey() {
    return publicKey;
  }

  public String keyId() {
    return keyid;
  }

  public KeyScheme scheme() {
    return scheme;
  }

  /** The private key as unencrypted PKCS#8 PEM, to be written to a file readable by its owner. */
  public String toPkcs8Pem() {
    try {
      return Pem.encode(
          "PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded("DER"));
    } catch (IOException e) {
      throw new KeyFormatException("cannot encode the private key: " + e.getMessage(), e);
    }
  }

  @Override
  public Signature sign(byte[] message) {
    return new Signature(keyid, signRaw(message, 0, message.length));
  }

  /** Signs the range in place, without copying it. */
  @Override
  public Signature sign(byte[] message, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, message.length);
    return new Signature(keyid, signRaw(message, offset, length));
  }

  /**
   * Signs each {@code messages[i][0, lengths[i])}; with an Ed25519 key, the SHA-512 passes of up to
   * eight messages run at once where the JVM allows it ({@code internal.FastEd25519.signAll}).
   */
  @Override
  public java.util.List<Signature> signAll(byte[][] messages, int[] lengths) {
    if (scheme != KeyScheme.ED25519) {
      return Signer.super.signAll(messages, lengths);
    }
    if (messages.length != lengths.length) {
      throw new IllegalArgumentException(
          messages.length + " messages but " + lengths.length + " lengths");
    }
    byte[][] raw = FastEd25519.signAll(ed25519, messages, new int[messages.length], lengths);
    Signature[] out = new Signature[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = new Signature(keyid, raw[i]);
    }
    return java.util.List.of(out);
  }

  /** The raw signature bytes over {@code message[offset, offset+length)}. */
  public byte[] signRaw(byte[] message, int offset, int length) {
    switch (scheme) {
      case ED25519 -> {
        return FastEd25519.sign(ed25519, message, offset, length);
      }
      case ECDSA_P256 -> {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, privateKey);
        SHA256Digest d = new SHA256Digest();
        d.update(message, offset, length);
        byte[] hash = new byte[32];
        d.doFinal(hash, 0);
        BigInteger[] rs = signer.generateSignature(hash);
        try {
          return new DERSequence(
                  new org.bouncycastle.asn1.ASN1Encodable[] {
                    new ASN1Integer(rs[0]), new ASN1Integer(rs[1])
                  })
              .getEncoded("DER");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      default -> {
        PSSSigner pss = new PSSSigner(new RSABlindedEngine(), new SHA256Digest(), 32);
        pss.init(true, new ParametersWithRandom(privateKey, random));
        pss.update(message, offset, length);
        try {
          return pss.generateSignature();
        } catch (org.bouncycastle.crypto.CryptoException e) {
          throw new dev.tufrepo.TufException("RSA-PSS signing failed", e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "PrivateKeySigner{" + scheme.scheme() + ", keyid=" + keyid + "}";
  }
}
