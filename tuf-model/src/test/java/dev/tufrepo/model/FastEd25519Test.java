package dev.tufrepo.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.internal.FastEd25519;
import dev.tufrepo.model.internal.Hex;
import dev.tufrepo.model.internal.Pem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/**
 * Ed25519 signing with the JDK's SHA-512 ({@link FastEd25519}, behind {@link PrivateKeySigner})
 * gives byte for byte the signatures of BouncyCastle's public API.
 */
class FastEd25519Test {
  /** The group order L = 2^252 + 27742317777372353535851937790883648493. */
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  @Test
  void jdkDigestPath_isInUse_withBouncyCastleOnTheClassPath() {
    // otherwise the comparisons below would compare BouncyCastle with itself
    assertTrue(FastEd25519.usesJdkSha512());
  }

  @Test
  void randomKeysAndMessages_signLikeBouncyCastle() throws Exception {
    Random random = new Random(25519);
    for (int i = 0; i < 1_000; i++) {
      Ed25519PrivateKeyParameters key = randomKey(random);
      int size = random.nextInt(20_001);
      byte[] message = new byte[size + 16];
      random.nextBytes(message);
      int offset = random.nextInt(17);
      int length = Math.min(size, message.length - offset);

      byte[] expected = bouncyCastleSign(key, message, offset, length);
      byte[] actual = FastEd25519.sign(FastEd25519.signingKey(key), message, offset, length);
      assertArrayEquals(expected, actual, "message " + i + " of " + length + " bytes");
      assertTrue(
          key.generatePublicKey()
              .verify(Ed25519.Algorithm.Ed25519, null, message, offset, length, actual, 0));
      if (i % 50 == 0) {
        assertArrayEquals(expected, signer(key).signRaw(message, offset, length));
      }
    }
  }

  @Test
  void signAll_withTheVectorApiResolved_hashesSeveralMessagesAtOnce() {
    // surefire resolves jdk.incubator.vector, as the tufrepo script does; vectors of at least four
    // 64-bit lanes (AVX2) are needed
    if (jdk.incubator.vector.LongVector.SPECIES_PREFERRED.length() >= 4) {
      assertTrue(FastEd25519.lanes() >= 4, "lanes: " + FastEd25519.lanes());
    }
  }

  @Test
  void signAll_with512BitVectors_computesTheCurveStepInLanesToo() {
    // with AVX-512 the [r]B of a whole group is computed at once (Ed25519BaseLanes); the random
    // batches below then check its signatures against BouncyCastle's
    if (jdk.incubator.vector.LongVector.SPECIES_PREFERRED.length() >= 8) {
      assertTrue(FastEd25519.curveLanes());
    } else {
      assertFalse(FastEd25519.curveLanes());
    }
  }

  @Test
  void signAll_randomBatches_signLikeBouncyCastle() throws Exception {
    Random random = new Random(8032);
    for (int batch = 0; batch < 60; batch++) {
      Ed25519PrivateKeyParameters key = randomKey(random);
      FastEd25519.SigningKey signing = FastEd25519.signingKey(key);
      int count = random.nextInt(20);
      byte[][] messages = new byte[count][];
      int[] offsets = new int[count];
      int[] lengths = new int[count];
      for (int i = 0; i < count; i++) {
        int size = random.nextInt(batch % 3 == 0 ? 20_001 : 400);
        messages[i] = new byte[size + 16];
        random.nextBytes(messages[i]);
        offsets[i] = random.nextInt(17);
        lengths[i] = Math.min(size, messages[i].length - offsets[i]);
      }
      byte[][] sigs = FastEd25519.signAll(signing, messages, offsets, lengths);
      assertEquals(count, sigs.length);
      for (int i = 0; i < count; i++) {
        assertArrayEquals(
            bouncyCastleSign(key, messages[i], offsets[i], lengths[i]),
            sigs[i],
            "batch " + batch + ", message " + i + " of " + lengths[i] + " bytes");
      }
    }
  }

  @Test
  void signAll_throughTheSigner_givesTheSignaturesOfSign() throws Exception {
    Random random = new Random(4);
    PrivateKeySigner signer = signer(randomKey(random));
    byte[][] messages = new byte[11][];
    int[] lengths = new int[11];
    for (int i = 0; i < messages.length; i++) {
      messages[i] = new byte[9_000 + 100 * i];
      random.nextBytes(messages[i]);
      lengths[i] = messages[i].length - i; // bytes past the length are not signed
    }
    List<Signature> sigs = signer.signAll(messages, lengths);
    for (int i = 0; i < messages.length; i++) {
      assertEquals(signer.sign(messages[i], 0, lengths[i]), sigs.get(i), "message " + i);
    }
    assertEquals(
        IllegalArgumentException.class,
        org.junit.jupiter.api.Assertions.assertThrows(
                RuntimeException.class, () -> signer.signAll(messages, new int[3]))
            .getClass());
    lengths[5] = messages[5].length + 1;
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> signer.signAll(messages, lengths));
  }

  @Test
  void rfc8032Vectors_areReproduced() {
    assertRfc8032(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assertRfc8032(
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  }

  private static void assertRfc8032(String secret, String pub, String message, String sig) {
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(Hex.decode(secret), 0);
    FastEd25519.SigningKey signing = FastEd25519.signingKey(key);
    assertEquals(pub, Hex.encode(signing.publicKey()));
    byte[] m = Hex.decode(message);
    assertEquals(sig, Hex.encode(FastEd25519.sign(signing, m, 0, m.length)));
  }

  @Test
  void oneKeySharedByManyThreads_signsLikeBouncyCastle() throws Exception {
    Random random = new Random(7);
    Ed25519PrivateKeyParameters key = randomKey(random);
    PrivateKeySigner signer = signer(key);
    List<byte[]> messages = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] m = new byte[random.nextInt(5_000)];
      random.nextBytes(m);
      messages.add(m);
      expected.add(bouncyCastleSign(key, m, 0, m.length));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int start = t;
        done.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 10; round++) {
                    for (int i = 0; i < messages.size(); i++) {
                      int k = (i + start * 7) % messages.size();
                      byte[] m = messages.get(k);
                      assertArrayEquals(expected.get(k), signer.signRaw(m, 0, m.length));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void messageOutOfBounds_behavesLikeBouncyCastle_andLeavesNoState() throws Exception {
    Ed25519PrivateKeyParameters key = randomKey(new Random(3));
    PrivateKeySigner signer = signer(key);
    byte[] m = "0123456789".getBytes(StandardCharsets.UTF_8);
    for (int[] bad : new int[][] {{-1, 3}, {0, 11}, {8, 5}, {2, -1}, {11, 0}}) {
      String where = bad[0] + ", " + bad[1];
      assertEquals(
          outcome(() -> bouncyCastleSign(key, m, bad[0], bad[1])),
          outcome(() -> signer.signRaw(m, bad[0], bad[1])),
          where);
    }
    assertArrayEquals(bouncyCastleSign(key, m, 1, 9), signer.signRaw(m, 1, 9));
  }

  /** The signature in hex, or the class of the exception thrown. */
  private static String outcome(java.util.function.Supplier<byte[]> sign) {
    try {
      return Hex.encode(sign.get());
    } catch (RuntimeException e) {
      return e.getClass().getName();
    }
  }

  @Test
  void alteredSignaturesAndMessages_areRejected() throws Exception {
    Random random = new Random(11);
    Ed25519PrivateKeyParameters key = randomKey(random);
    Ed25519PublicKeyParameters pub = key.generatePublicKey();
    PrivateKeySigner signer = signer(key);
    Key publicKey = signer.publicKey();
    byte[] m = new byte[2_400];
    random.nextBytes(m);
    byte[] sig = signer.signRaw(m, 0, m.length);
    assertTrue(publicKey.verify(m, Hex.encode(sig)));

    for (int bit = 0; bit < 512; bit += 7) { // R is bits 0..255, S 256..511
      byte[] bad = sig.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(publicKey.verify(m, Hex.encode(bad)), "bit " + bit);
      assertFalse(bouncyCastleVerify(pub, m, bad), "bit " + bit);
    }
    byte[] altered = m.clone();
    altered[1_234] ^= 0x10;
    assertFalse(publicKey.verify(altered, Hex.encode(sig)));

    Key otherKey = PrivateKeySigner.fromPem(pkcs8Pem(randomKey(random))).publicKey();
    assertFalse(otherKey.verify(m, Hex.encode(sig)));

    // S + L: the same scalar mod L, not canonical; RFC 8032 and BouncyCastle refuse it
    byte[] nonCanonical = sig.clone();
    byte[] sPlusL = littleEndian32(fromLittleEndian(sig, 32).add(L));
    System.arraycopy(sPlusL, 0, nonCanonical, 32, 32);
    assertFalse(bouncyCastleVerify(pub, m, nonCanonical));
    assertFalse(publicKey.verify(m, Hex.encode(nonCanonical)));

    assertFalse(publicKey.verify(m, Hex.encode(java.util.Arrays.copyOf(sig, 63))));
  }

  private static Ed25519PrivateKeyParameters randomKey(Random random) {
    byte[] secret = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
    random.nextBytes(secret);
    return new Ed25519PrivateKeyParameters(secret, 0);
  }

  private static byte[] bouncyCastleSign(
      Ed25519PrivateKeyParameters key, byte[] m, int offset, int length) {
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    key.sign(Ed25519.Algorithm.Ed25519, null, m, offset, length, sig, 0);
    return sig;
  }

  private static boolean bouncyCastleVerify(Ed25519PublicKeyParameters pub, byte[] m, byte[] sig) {
    return pub.verify(Ed25519.Algorithm.Ed25519, null, m, 0, m.length, sig, 0);
  }

  private static PrivateKeySigner signer(Ed25519PrivateKeyParameters key) throws Exception {
    return PrivateKeySigner.fromPem(pkcs8Pem(key));
  }

  private static String pkcs8Pem(Ed25519PrivateKeyParameters key) throws Exception {
    return Pem.encode(
        "PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded("DER"));
  }

  private static BigInteger fromLittleEndian(byte[] b, int offset) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[31 - i] = b[offset + i];
    }
    return new BigInteger(1, be);
  }

  private static byte[] littleEndian32(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }
}
