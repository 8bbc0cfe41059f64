package dev.tufrepo.model.internal;

import dev.tufrepo.model.KeyFormatException;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.PSSSigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Turns TUF key objects into signature verifiers for the three schemes of the spec: {@code
 * ed25519}, {@code ecdsa-sha2-nistp256} (keytype {@code ecdsa}, or the legacy {@code
 * ecdsa-sha2-nistp256}) and {@code rsassa-pss-sha256}.
 */
public final class PublicKeys {
  /** Verifies signatures made by one key. Thread-safe. */
  public interface Verifier {
    boolean verify(byte[] message, int offset, int length, byte[] signature);
  }

  static final X9ECParameters P256 = ECNamedCurveTable.getByName("P-256");

  /** Salt length of RSASSA-PSS in securesystemslib and sigstore-java: the digest length. */
  static final int PSS_SALT = 32;

  private PublicKeys() {}

  public static Verifier verifier(String keytype, String scheme, String publicValue) {
    switch (scheme) {
      case "ed25519" -> {
        require(keytype.equals("ed25519"), keytype, scheme);
        return ed25519(publicValue);
      }
      case "ecdsa-sha2-nistp256" -> {
        require(keytype.equals("ecdsa") || keytype.equals("ecdsa-sha2-nistp256"), keytype, scheme);
        return ecdsa(spki(publicValue));
      }
      case "rsassa-pss-sha256" -> {
        require(keytype.equals("rsa"), keytype, scheme);
        return rsaPss(spki(publicValue));
      }
      default -> throw new KeyFormatException("unsupported signature scheme \"" + scheme + "\"");
    }
  }

  private static void require(boolean ok, String keytype, String scheme) {
    if (!ok) {
      throw new KeyFormatException(
          "keytype \"" + keytype + "\" does not go with scheme \"" + scheme + "\"");
    }
  }

  private static Verifier ed25519(String publicHex) {
    byte[] raw;
    try {
      raw = Hex.decode(publicHex);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("ed25519 public key is not hex: " + e.getMessage());
    }
    if (raw.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new KeyFormatException("ed25519 public key must be 32 bytes, not " + raw.length);
    }
    Ed25519PublicKeyParameters pk;
    try {
      pk = new Ed25519PublicKeyParameters(raw, 0);
    } catch (RuntimeException e) {
      throw new KeyFormatException("ed25519 public key is not a valid curve point");
    }
    return (m, off, len, sig) ->
        sig.length == Ed25519.SIGNATURE_SIZE
            && pk.verify(Ed25519.Algorithm.Ed25519, null, m, off, len, sig, 0);
  }

  private static AsymmetricKeyParameter spki(String pem) {
    Pem.Block block = Pem.decode(pem);
    if (!block.label().equals("PUBLIC KEY")) {
      throw new KeyFormatException("expected a PUBLIC KEY PEM block, found " + block.label());
    }
    try {
      return PublicKeyFactory.createKey(block.der());
    } catch (IOException | RuntimeException e) {
      throw new KeyFormatException("malformed SubjectPublicKeyInfo: " + e.getMessage(), e);
    }
  }

  private static Verifier ecdsa(AsymmetricKeyParameter key) {
    if (!(key instanceof ECPublicKeyParameters ec)
        || !ec.getParameters().getCurve().equals(P256.getCurve())
        || !ec.getParameters().getG().equals(P256.getG())) {
      throw new KeyFormatException("ecdsa-sha2-nistp256 needs a P-256 public key");
    }
    return (m, off, len, sig) -> {
      BigInteger[] rs = decodeDer(sig);
      if (rs == null) {
        return false;
      }
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, ec);
      return signer.verifySignature(sha256(m, off, len), rs[0], rs[1]);
    };
  }

  private static Verifier rsaPss(AsymmetricKeyParameter key) {
    if (!(key instanceof RSAKeyParameters rsa) || rsa.isPrivate()) {
      throw new KeyFormatException("rsassa-pss-sha256 needs an RSA public key");
    }
    if (rsa.getModulus().bitLength() < 2048) {
      throw new KeyFormatException(
          "RSA keys must have at least 2048 bits, this one has " + rsa.getModulus().bitLength());
    }
    return (m, off, len, sig) -> {
      PSSSigner pss = new PSSSigner(new RSAEngine(), new SHA256Digest(), PSS_SALT);
      pss.init(false, rsa);
      pss.update(m, off, len);
      return pss.verifySignature(sig);
    };
  }

  static byte[] sha256(byte[] m, int off, int len) {
    SHA256Digest d = new SHA256Digest();
    d.update(m, off, len);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  /** r and s of a DER {@code SEQUENCE { INTEGER r, INTEGER s }}, or null when malformed. */
  private static BigInteger[] decodeDer(byte[] sig) {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(sig);
      if (!(p instanceof ASN1Sequence seq) || seq.size() != 2) {
        return null;
      }
      byte[] reencoded = seq.getEncoded("DER");
      if (!java.util.Arrays.equals(reencoded, sig)) {
        return null; // not strict DER: refuse malleable encodings
      }
      return new BigInteger[] {
        ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue(),
        ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue()
      };
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
