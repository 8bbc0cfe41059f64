package dev.tufrepo.model.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 (RFC 8032, pure, no context) signing with BouncyCastle's curve arithmetic and the JDK's
 * SHA-512, which is intrinsified and about three times faster than BouncyCastle's pure-Java one.
 * SHA-512 is over a third of the time of a BouncyCastle signature of a few kilobytes.
 *
 * <p>BouncyCastle has no public signing method that takes the digest, so this calls its private
 * {@code Ed25519.implSign(Digest, byte[] h, byte[] s, byte[] pk, int, byte[] ctx, byte phflag,
 * byte[] m, int, int, byte[] sig, int)} through a method handle. The handle is looked up once. It
 * is used only if the lookup succeeds (BouncyCastle on the class path, or on the module path with
 * the package opened to this code) and a self-check at class initialization produces signatures
 * byte-identical to BouncyCastle's public API; otherwise, and for any signature where the handle
 * throws, the public {@link Ed25519PrivateKeyParameters#sign(int, byte[], byte[], int, int, byte[],
 * int)} is used. Ed25519 signatures are deterministic, so both paths give the same bytes.
 *
 * <p>Verification is not done here: BouncyCastle's private {@code implVerify} creates its digest
 * itself and takes none, so there is no equivalent seam.
 *
 * <p>Thread-safe: keys are immutable, and each thread signs with its own {@link MessageDigest}.
 */
public final class FastEd25519 {
  private static final int SHA512_SIZE = 64;

  /**
   * A digest per signing thread, reset before each signature: looking a new one up through the
   * providers for each signature was 0.7% of the signing threads' samples. Declared before {@link
   * #IMPL_SIGN}, whose self-check signs with it during class initialization.
   */
  private static final ThreadLocal<JdkSha512> DIGESTS =
      ThreadLocal.withInitial(() -> new JdkSha512(newSha512()));

  /** BouncyCastle's private implSign taking the digest, or null when it is not to be used. */
  private static final MethodHandle IMPL_SIGN = lookUpAndCheck();

  private FastEd25519() {}

  /**
   * An Ed25519 private key with what signing derives from it computed once: the SHA-512 of the
   * secret, the clamped scalar and the encoded public key. Immutable and thread-safe.
   */
  public static final class SigningKey {
    private final Ed25519PrivateKeyParameters key;
    private final byte[] publicKey;

    /** SHA-512 of the 32-byte secret; null when signing goes through the public API. */
    private final byte[] h;

    /** The clamped scalar, the first half of {@code h} pruned; null like {@code h}. */
    private final byte[] s;

    private SigningKey(Ed25519PrivateKeyParameters key, boolean precompute) {
      this.key = key;
      this.publicKey = key.generatePublicKey().getEncoded();
      if (precompute) {
        byte[] secret = key.getEncoded();
        this.h = newSha512().digest(secret);
        Arrays.fill(secret, (byte) 0);
        this.s = prune(h);
      } else {
        this.h = null;
        this.s = null;
      }
    }

    /** The encoded public key, 32 bytes (a copy). */
    public byte[] publicKey() {
      return publicKey.clone();
    }
  }

  /** Prepares {@code key} for signing. */
  public static SigningKey signingKey(Ed25519PrivateKeyParameters key) {
    return new SigningKey(key, IMPL_SIGN != null);
  }

  /** True when signatures are made with the JDK's SHA-512, false when by the public API alone. */
  public static boolean usesJdkSha512() {
    return IMPL_SIGN != null;
  }

  /** The 64-byte Ed25519 signature of {@code message[offset, offset+length)}. */
  public static byte[] sign(SigningKey key, byte[] message, int offset, int length) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    if (key.h == null || !signFast(IMPL_SIGN, key, message, offset, length, sig)) {
      signWithPublicApi(key.key, message, offset, length, sig);
    }
    return sig;
  }

  /**
   * Signs with the handle; false, with {@code sig} in an unspecified state, when the handle threw.
   * Bounds the JDK's digest refuses end up here too; the public API then does with them what it
   * always did (mostly an ArrayIndexOutOfBoundsException, a few it accepts).
   */
  private static boolean signFast(
      MethodHandle implSign, SigningKey key, byte[] m, int off, int len, byte[] sig) {
    try {
      Digest digest = DIGESTS.get();
      digest.reset(); // a signature that threw may have left input in it
      // implSign overwrites h with the digests it computes: give it a copy, and s too for safety
      implSign.invokeExact(
          digest,
          key.h.clone(),
          key.s.clone(),
          key.publicKey,
          0,
          (byte[]) null,
          (byte) 0,
          m,
          off,
          len,
          sig,
          0);
      return true;
    } catch (RuntimeException | LinkageError e) {
      return false;
    } catch (Error e) {
      throw e;
    } catch (Throwable t) {
      return false; // implSign declares no checked exception
    }
  }

  private static void signWithPublicApi(
      Ed25519PrivateKeyParameters key, byte[] m, int off, int len, byte[] sig) {
    key.sign(Ed25519.Algorithm.Ed25519, null, m, off, len, sig, 0);
  }

  /** RFC 8032 section 5.1.5 step 2: the low half of h with the cofactor and top bits fixed. */
  private static byte[] prune(byte[] h) {
    byte[] s = Arrays.copyOf(h, 32);
    s[0] &= (byte) 0xF8;
    s[31] &= (byte) 0x7F;
    s[31] |= (byte) 0x40;
    return s;
  }

  private static MessageDigest newSha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is required of every JDK", e);
    }
  }

  /**
   * The handle of {@code implSign}, or null when it is missing, inaccessible, throws, or its
   * signatures differ from the public API's in the self-check.
   */
  private static MethodHandle lookUpAndCheck() {
    MethodHandle handle;
    try {
      Method m =
          Ed25519.class.getDeclaredMethod(
              "implSign",
              Digest.class,
              byte[].class,
              byte[].class,
              byte[].class,
              int.class,
              byte[].class,
              byte.class,
              byte[].class,
              int.class,
              int.class,
              byte[].class,
              int.class);
      if (m.getReturnType() != void.class) {
        return null;
      }
      m.setAccessible(true);
      handle = MethodHandles.lookup().unreflect(m); // type: exactly the parameters above
      newSha512();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // missing (another BouncyCastle version), not opened to us (module path), no SHA-512
      return null;
    }
    return selfCheck(handle) ? handle : null;
  }

  /**
   * Signs fixed messages with a fixed key both ways, twice, and requires identical bytes. The
   * messages cover the empty one and ones spanning several SHA-512 blocks.
   */
  private static boolean selfCheck(MethodHandle handle) {
    try {
      byte[] secret = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
      for (int i = 0; i < secret.length; i++) {
        secret[i] = (byte) (31 * i + 7);
      }
      Ed25519PrivateKeyParameters params = new Ed25519PrivateKeyParameters(secret, 0);
      SigningKey key = new SigningKey(params, true);
      byte[] text =
          "tufrepo FastEd25519 self-check: the quick brown fox jumps over the lazy dog"
              .repeat(7)
              .getBytes(StandardCharsets.UTF_8);
      int[][] ranges = {{0, 0}, {0, 1}, {3, 111}, {5, 128}, {0, text.length}};
      for (int round = 0; round < 2; round++) {
        for (int[] r : ranges) {
          byte[] fast = new byte[Ed25519.SIGNATURE_SIZE];
          byte[] plain = new byte[Ed25519.SIGNATURE_SIZE];
          if (!signFast(handle, key, text, r[0], r[1], fast)) {
            return false;
          }
          signWithPublicApi(params, text, r[0], r[1], plain);
          if (!Arrays.equals(fast, plain)) {
            return false;
          }
        }
      }
      return true;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** BouncyCastle's {@link Digest} over a JDK SHA-512 {@link MessageDigest}. Not thread-safe. */
  static final class JdkSha512 implements Digest {
    private final MessageDigest md;

    JdkSha512(MessageDigest md) {
      this.md = md;
    }

    @Override
    public String getAlgorithmName() {
      return "SHA-512";
    }

    @Override
    public int getDigestSize() {
      return SHA512_SIZE;
    }

    @Override
    public void update(byte in) {
      md.update(in);
    }

    @Override
    public void update(byte[] in, int inOff, int len) {
      md.update(in, inOff, len);
    }

    /** Writes the digest at {@code out[outOff]} and resets, like BouncyCastle's digests. */
    @Override
    public int doFinal(byte[] out, int outOff) {
      try {
        return md.digest(out, outOff, SHA512_SIZE);
      } catch (DigestException e) {
        throw new IllegalArgumentException("output buffer too short", e);
      }
    }

    @Override
    public void reset() {
      md.reset();
    }
  }
}
