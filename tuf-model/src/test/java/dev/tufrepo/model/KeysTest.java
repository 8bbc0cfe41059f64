package dev.tufrepo.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeysTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @ParameterizedTest
  @EnumSource(KeyScheme.class)
  void generatedKey_signsAndVerifies_andSurvivesPemRoundTrip(KeyScheme scheme) {
    PrivateKeySigner signer = PrivateKeySigner.generate(scheme, RANDOM);
    byte[] msg = "{\"_type\":\"targets\"}".getBytes(StandardCharsets.UTF_8);
    Signature sig = signer.sign(msg);
    assertEquals(signer.keyId(), sig.keyid());
    assertTrue(signer.publicKey().verify(msg, sig.sig()));
    msg[3] ^= 1;
    assertFalse(signer.publicKey().verify(msg, sig.sig()));

    PrivateKeySigner reread = PrivateKeySigner.fromPem(signer.toPkcs8Pem());
    assertEquals(signer.publicKey(), reread.publicKey());
    assertEquals(scheme.keytype(), signer.publicKey().keytype());
    assertEquals(scheme.scheme(), signer.publicKey().scheme());
  }

  @ParameterizedTest
  @EnumSource(KeyScheme.class)
  void signRange_signsExactlyTheRange(KeyScheme scheme) {
    PrivateKeySigner signer = PrivateKeySigner.generate(scheme, RANDOM);
    byte[] msg = "{\"_type\":\"targets\"}".getBytes(StandardCharsets.UTF_8);
    byte[] padded = new byte[msg.length + 7];
    java.util.Arrays.fill(padded, (byte) 'x');
    System.arraycopy(msg, 0, padded, 3, msg.length);
    Signature sig = signer.sign(padded, 3, msg.length);
    assertTrue(signer.publicKey().verify(msg, sig.sig()));
    if (scheme != KeyScheme.RSA_PSS_SHA256) { // RSA-PSS is salted; the others are deterministic
      assertEquals(signer.sign(msg), sig);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> signer.sign(padded, 3, padded.length));
  }

  @Test
  void signRange_ofASignerWithoutIt_signsACopyOfTheRange() {
    java.util.List<byte[]> seen = new java.util.ArrayList<>();
    Signer signer =
        message -> {
          seen.add(message);
          return new Signature("k", new byte[] {1});
        };
    byte[] buf = {'a', '{', '}', 'b'};
    signer.sign(buf, 1, 2);
    signer.sign(buf, 0, 4);
    assertEquals("{}", new String(seen.get(0), StandardCharsets.UTF_8));
    assertTrue(seen.get(1) == buf, "the whole array is passed as it is");
    assertThrows(IndexOutOfBoundsException.class, () -> signer.sign(buf, 3, 2));
  }

  @Test
  void ed25519KeyFromSpec_hasTheSpecKeyid() {
    Key key =
        Key.of(
            KeyScheme.ED25519, "72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c");
    assertEquals("1bf1c6e3cdd3d3a8420b19199e27511999850f4b376c4547b2f32fba7e80fca3", key.keyId());
  }

  @Test
  void unknownKeyFields_doNotChangeTheKeyid() {
    Key key =
        Key.of(
            KeyScheme.ED25519, "72378e5bc588793e58f81c8533da64a2e8f1565c1fcc7f253496394ffc52542c");
    Key withUri =
        key.withUnrecognized(
            java.util.Map.of(
                "x-rstuf-online-key-uri", new dev.tufrepo.json.JsonString("fn:online.pem")));
    assertEquals(key.keyId(), withUri.keyId());
  }

  @Test
  void malformedKeys_areRefusedWithReason() {
    assertThrows(KeyFormatException.class, () -> Key.of(KeyScheme.ED25519, "abcd").verifier());
    assertThrows(
        KeyFormatException.class, () -> Key.of(KeyScheme.ECDSA_P256, "not pem").verifier());
    Key mismatched =
        new Key("rsa", "ed25519", Key.of(KeyScheme.ED25519, "00").keyval(), java.util.Map.of());
    KeyFormatException e = assertThrows(KeyFormatException.class, mismatched::verifier);
    assertTrue(e.getMessage().contains("does not go with"));
    assertThrows(
        KeyFormatException.class,
        () ->
            PrivateKeySigner.fromPem(
                "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"));
  }

  @Test
  void signatureFromAnotherKey_doesNotVerify() {
    PrivateKeySigner a = PrivateKeySigner.generate(KeyScheme.ED25519, RANDOM);
    PrivateKeySigner b = PrivateKeySigner.generate(KeyScheme.ED25519, RANDOM);
    byte[] msg = {1, 2, 3};
    assertFalse(b.publicKey().verify(msg, a.sign(msg).sig()));
    assertFalse(a.publicKey().verify(msg, "zz"));
  }
}
