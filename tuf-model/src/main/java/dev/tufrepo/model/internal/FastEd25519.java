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
 * <p>{@link #signAll} signs several messages together: their SHA-512 passes run side by side in the
 * lanes of a vector ({@link Sha512Lanes}, through the incubating Vector API). With 512-bit vectors
 * the fixed-base multiplication {@code R = [r]B} of eight signatures runs side by side too ({@link
 * Ed25519BaseLanes}); otherwise, and for the other steps between the two passes, BouncyCastle's
 * private ones are called through method handles looked up and self-checked like {@code implSign}.
 * It needs the JVM started with {@code --add-modules jdk.incubator.vector} (the {@code tufrepo}
 * script does so) and vectors of at least four 64-bit lanes; otherwise, or with {@code
 * -Dtufrepo.ed25519.lanes=false}, it signs one message at a time. On the 2-core Intel Xeon guest of
 * 2026-11-27, eight bins of 8-9.5 kB took 96-106 us a signature with the hashing in lanes against
 * 134-144 us one at a time; with {@code [r]B} in lanes too, a 700-byte bin took 22 us a signature
 * against 41 us with BouncyCastle's, and a publish of 1,000 targets into 1 M took a third less of
 * the signing threads' CPU ({@code -Dtufrepo.ed25519.curveLanes=false} turns that part off).
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

  /**
   * Set to {@code false} to sign one message at a time even where several could be hashed at once
   * ({@link #signAll}).
   */
  public static final String LANES_PROPERTY = "tufrepo.ed25519.lanes";

  /**
   * Set to {@code false} to keep the SHA-512 lanes of {@link #signAll} but compute each {@code
   * [r]B} with BouncyCastle, one signature at a time, instead of a group at once ({@link
   * Ed25519BaseLanes}, with 512-bit vectors).
   */
  public static final String CURVE_LANES_PROPERTY = "tufrepo.ed25519.curveLanes";

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

    /** The second half of {@code h}, which the nonce's hash starts with; null like {@code h}. */
    private final byte[] prefix;

    private SigningKey(Ed25519PrivateKeyParameters key, boolean precompute) {
      this.key = key;
      this.publicKey = key.generatePublicKey().getEncoded();
      if (precompute) {
        byte[] secret = key.getEncoded();
        this.h = newSha512().digest(secret);
        Arrays.fill(secret, (byte) 0);
        this.s = prune(h);
        this.prefix = Arrays.copyOfRange(h, 32, 64);
      } else {
        this.h = null;
        this.s = null;
        this.prefix = null;
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
   * How many messages {@link #signAll} hashes at once: 8 with AVX-512, 4 with AVX2, 1 when it signs
   * them one at a time (no Vector API, vectors too narrow, the BouncyCastle internals it calls not
   * found, its self-check failed, or {@value #LANES_PROPERTY} is {@code false}).
   */
  public static int lanes() {
    return Lanes.BATCH == null ? 1 : Sha512Lanes.LANES;
  }

  /**
   * True when {@link #signAll} also computes the {@code [r]B} of a group of signatures at once
   * ({@link Ed25519BaseLanes}: 512-bit vectors, its self-check passed, {@value
   * #CURVE_LANES_PROPERTY} not {@code false}); false when BouncyCastle computes each.
   */
  public static boolean curveLanes() {
    return Lanes.BATCH != null && Lanes.BATCH.curveLanes();
  }

  /**
   * The Ed25519 signatures of {@code messages[i][offsets[i], offsets[i]+lengths[i])}, in order: the
   * same bytes as {@link #sign} gives for each. Where {@link #lanes()} is more than 1, the two
   * SHA-512 passes of up to that many signatures run at once, one message per lane of a vector (and
   * with {@link #curveLanes()} their {@code [r]B} too), so messages of similar lengths should come
   * together. A group whose signing throws is signed again one message at a time.
   *
   * @throws IllegalArgumentException if the three arrays differ in length
   * @throws IndexOutOfBoundsException if a range is not inside its array
   */
  public static byte[][] signAll(SigningKey key, byte[][] messages, int[] offsets, int[] lengths) {
    int count = messages.length;
    if (offsets.length != count || lengths.length != count) {
      throw new IllegalArgumentException(
          count + " messages, " + offsets.length + " offsets, " + lengths.length + " lengths");
    }
    for (int i = 0; i < count; i++) {
      java.util.Objects.checkFromIndexSize(offsets[i], lengths[i], messages[i].length);
    }
    byte[][] sigs = new byte[count][];
    Lanes batch = Lanes.BATCH;
    int width = batch == null || key.h == null ? 1 : Sha512Lanes.LANES;
    for (int from = 0; from < count; from += width) {
      int n = Math.min(width, count - from);
      if (n < 2 || !batch.sign(key, n, messages, offsets, lengths, from, sigs)) {
        for (int i = from; i < from + n; i++) {
          sigs[i] = sign(key, messages[i], offsets[i], lengths[i]);
        }
      }
    }
    return sigs;
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

  /** A fixed key for the self-checks: secret byte {@code i} is {@code step * i + offset}. */
  private static Ed25519PrivateKeyParameters fixedKey(int step, int offset) {
    byte[] secret = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (step * i + offset);
    }
    return new Ed25519PrivateKeyParameters(secret, 0);
  }

  /**
   * Signs fixed messages with a fixed key both ways, twice, and requires identical bytes. The
   * messages cover the empty one and ones spanning several SHA-512 blocks.
   */
  private static boolean selfCheck(MethodHandle handle) {
    try {
      Ed25519PrivateKeyParameters params = fixedKey(31, 7);
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

  /**
   * Signing several messages at once: their SHA-512 passes in {@link Sha512Lanes}, their {@code
   * [r]B} in {@link Ed25519BaseLanes} where that is in use, the rest through the private
   * BouncyCastle steps that {@code implSign} runs between its two digests ({@code
   * Scalar25519.reduce512}, {@code Ed25519.scalarMultBaseEncoded} and {@code Ed25519.calculateS},
   * in BouncyCastle 1.83). Checked at class initialization like {@link #IMPL_SIGN}: a batch of
   * messages whose lengths put the padding at every block edge must give the public API's bytes,
   * and then one group with {@link Ed25519BaseLanes} (if that fails, BouncyCastle's is used).
   */
  private static final class Lanes {
    /**
     * Message lengths whose padding, after either head (32 and 64 bytes), ends at and around each
     * edge of a SHA-512 block.
     */
    private static final int[] SELF_CHECK_SIZES = {
      0, 1, 7, 8, 31, 32, 47, 48, 63, 64, 79, 80, 95, 96, 97, 111, 112, 200, 300
    };

    /** One group of eight, for the curve step. */
    private static final int[] CURVE_SELF_CHECK_SIZES = {0, 1, 47, 64, 97, 112, 200, 300};

    /** The batch signer, or null when it is not to be used. */
    static final Lanes BATCH = lookUp();

    private final MethodHandle reduce512; // (byte[64]) -> byte[32]
    private final MethodHandle scalarMultBaseEncoded; // (byte[32] k, byte[32] out, int outOff)
    private final MethodHandle calculateS; // (byte[32] r, byte[32] k, byte[32] s) -> byte[32]
    private final ThreadLocal<Sha512Lanes> lanes = ThreadLocal.withInitial(Sha512Lanes::new);

    /** [r]B of a whole group at once, or null to take BouncyCastle's one signature at a time. */
    private final ThreadLocal<Ed25519BaseLanes> curve;

    private Lanes(
        MethodHandle reduce512, MethodHandle scalarMult, MethodHandle calculateS, boolean curve) {
      this.reduce512 = reduce512;
      this.scalarMultBaseEncoded = scalarMult;
      this.calculateS = calculateS;
      this.curve = curve ? ThreadLocal.withInitial(Ed25519BaseLanes::new) : null;
    }

    /** The same steps with the fixed-base multiplication of {@link Ed25519BaseLanes}. */
    private Lanes withCurveLanes() {
      return new Lanes(reduce512, scalarMultBaseEncoded, calculateS, true);
    }

    /** True when {@code [r]B} is computed for a group at once ({@link Ed25519BaseLanes}). */
    boolean curveLanes() {
      return curve != null;
    }

    private static Lanes lookUp() {
      if (IMPL_SIGN == null
          || "false".equalsIgnoreCase(System.getProperty(LANES_PROPERTY, "true").trim())) {
        return null;
      }
      Lanes lanes;
      try {
        if (!Sha512Lanes.available()) {
          return null;
        }
        Class<?> scalar = Class.forName("org.bouncycastle.math.ec.rfc8032.Scalar25519");
        Method reduce = scalar.getDeclaredMethod("reduce512", byte[].class);
        Method mult =
            Ed25519.class.getDeclaredMethod(
                "scalarMultBaseEncoded", byte[].class, byte[].class, int.class);
        Method calc =
            Ed25519.class.getDeclaredMethod("calculateS", byte[].class, byte[].class, byte[].class);
        if (reduce.getReturnType() != byte[].class
            || mult.getReturnType() != void.class
            || calc.getReturnType() != byte[].class) {
          return null;
        }
        reduce.setAccessible(true);
        mult.setAccessible(true);
        calc.setAccessible(true);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        lanes =
            new Lanes(
                lookup.unreflect(reduce), lookup.unreflect(mult), lookup.unreflect(calc), false);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // no Vector API (the JVM was started without --add-modules jdk.incubator.vector), narrow
        // vectors, another BouncyCastle, or its package not opened to us
        return null;
      }
      if (!lanes.selfCheck(SELF_CHECK_SIZES)) {
        return null;
      }
      if (!curveLanesWanted()) {
        return lanes;
      }
      // the hashing is checked: one group checks the curve step (interpreted at this point, each
      // group of eight takes tens of milliseconds)
      Lanes withCurve = lanes.withCurveLanes();
      return withCurve.selfCheck(CURVE_SELF_CHECK_SIZES) ? withCurve : lanes;
    }

    /** 512-bit vectors, and {@value #CURVE_LANES_PROPERTY} not {@code false}. */
    private static boolean curveLanesWanted() {
      if ("false".equalsIgnoreCase(System.getProperty(CURVE_LANES_PROPERTY, "true").trim())) {
        return false;
      }
      try {
        return Ed25519BaseLanes.available() && Ed25519BaseLanes.LANES >= Sha512Lanes.LANES;
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    }

    /**
     * Signs messages {@code from} to {@code from + n - 1} into {@code sigs}; false, with those
     * entries in an unspecified state, when a step threw.
     */
    boolean sign(
        SigningKey key,
        int n,
        byte[][] messages,
        int[] offsets,
        int[] lengths,
        int from,
        byte[][] sigs) {
      try {
        Sha512Lanes sha = lanes.get();
        byte[][] ms = Arrays.copyOfRange(messages, from, from + n);
        int[] offs = Arrays.copyOfRange(offsets, from, from + n);
        int[] lens = Arrays.copyOfRange(lengths, from, from + n);
        byte[][] heads = new byte[n][];
        Arrays.fill(heads, key.prefix);
        byte[] digests = new byte[n * SHA512_SIZE];
        // RFC 8032 5.1.6 steps 2-3: r = SHA-512(prefix || M) mod L, R = [r]B
        sha.digest(n, heads, 32, ms, offs, lens, digests);
        byte[][] r = new byte[n][];
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
          r[i] = reduce(digests, i);
          out[i] = new byte[Ed25519.SIGNATURE_SIZE];
        }
        if (curve != null) {
          curve.get().scalarMultBaseEncoded(n, r, out, 0);
        }
        for (int i = 0; i < n; i++) {
          byte[] sig = out[i];
          if (curve == null) {
            scalarMultBaseEncoded.invokeExact(r[i], sig, 0);
          }
          byte[] head = new byte[64];
          System.arraycopy(sig, 0, head, 0, 32);
          System.arraycopy(key.publicKey, 0, head, 32, 32);
          heads[i] = head;
          sigs[from + i] = sig;
        }
        // steps 4-5: k = SHA-512(R || A || M) mod L, S = (r + k * s) mod L
        sha.digest(n, heads, 64, ms, offs, lens, digests);
        for (int i = 0; i < n; i++) {
          byte[] k = reduce(digests, i);
          byte[] s = (byte[]) calculateS.invokeExact(r[i], k, key.s.clone());
          System.arraycopy(s, 0, sigs[from + i], 32, 32);
        }
        return true;
      } catch (RuntimeException | LinkageError e) {
        return false;
      } catch (Error e) {
        throw e;
      } catch (Throwable t) {
        return false; // none of the three declares a checked exception
      }
    }

    private byte[] reduce(byte[] digests, int i) throws Throwable {
      byte[] h = Arrays.copyOfRange(digests, i * SHA512_SIZE, (i + 1) * SHA512_SIZE);
      return (byte[]) reduce512.invokeExact(h);
    }

    /**
     * Signs messages of the given lengths in groups and then one at a time through the public API,
     * and requires the same bytes.
     */
    private boolean selfCheck(int[] sizes) {
      try {
        Ed25519PrivateKeyParameters params = fixedKey(17, 3);
        SigningKey key = new SigningKey(params, true);
        byte[] text = new byte[320];
        for (int i = 0; i < text.length; i++) {
          text[i] = (byte) (i * 131 + 11);
        }
        int count = sizes.length;
        byte[][] ms = new byte[count][];
        int[] offs = new int[count];
        int[] lens = new int[count];
        for (int i = 0; i < count; i++) {
          ms[i] = text;
          offs[i] = i % 5;
          lens[i] = sizes[i];
        }
        byte[][] sigs = new byte[count][];
        for (int from = 0; from < count; from += Sha512Lanes.LANES) {
          int n = Math.min(Sha512Lanes.LANES, count - from);
          if (!sign(key, n, ms, offs, lens, from, sigs)) {
            return false;
          }
        }
        for (int i = 0; i < count; i++) {
          byte[] plain = new byte[Ed25519.SIGNATURE_SIZE];
          signWithPublicApi(params, ms[i], offs[i], lens[i], plain);
          if (!Arrays.equals(sigs[i], plain)) {
            return false;
          }
        }
        return true;
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
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
