package dev.tufrepo.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link KeyVault} must do. A backend's test extends this class and says how to open the
 * vault and how to put a key into it.
 *
 * <p>Keys are generated once per JVM (RSA 3072 generation takes a while) and shared by all contract
 * tests; each test gets its own {@link TempDir}.
 */
public abstract class KeyVaultContract {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<KeyScheme, PrivateKeySigner> KEYS = new EnumMap<>(KeyScheme.class);
  private static final Map<KeyScheme, PrivateKeySigner> OTHER_KEYS = new EnumMap<>(KeyScheme.class);

  @TempDir protected Path tempDir;

  private final List<KeyVault> opened = new ArrayList<>();

  /**
   * The vault under test, over {@code tempDir}. It may be called before or after {@link #storeKey};
   * the test closes it.
   */
  protected abstract KeyVault vault(Path tempDir);

  /** Puts {@code key} into the vault's storage under {@code tempDir} and returns its URI. */
  protected abstract String storeKey(Path tempDir, PrivateKeySigner key);

  /**
   * A URI that this vault serves by scheme but that names no stored key. By default {@code
   * storedUri} with {@code "-missing"} appended; override when that is not such a URI.
   */
  protected String missingKeyUri(String storedUri) {
    return storedUri + "-missing";
  }

  /** A key of {@code scheme}, generated once per JVM. */
  protected static synchronized PrivateKeySigner key(KeyScheme scheme) {
    return KEYS.computeIfAbsent(scheme, s -> PrivateKeySigner.generate(s, RANDOM));
  }

  /** A second key of {@code scheme}, different from {@link #key}. */
  protected static synchronized PrivateKeySigner otherKey(KeyScheme scheme) {
    return OTHER_KEYS.computeIfAbsent(scheme, s -> PrivateKeySigner.generate(s, RANDOM));
  }

  /** Opens the vault under test; it is closed after the test. */
  protected final KeyVault open() {
    KeyVault v = vault(tempDir);
    opened.add(v);
    return v;
  }

  @AfterEach
  void closeVaults() {
    for (KeyVault v : opened) {
      v.close();
    }
  }

  @ParameterizedTest
  @EnumSource(KeyScheme.class)
  void signer_signaturesVerifyWithThePublicKey(KeyScheme scheme) {
    PrivateKeySigner key = key(scheme);
    String uri = storeKey(tempDir, key);
    KeyVault vault = open();
    assertTrue(vault.supports(uri), uri);

    Signer signer = vault.signer(uri, key.publicKey());
    byte[] message = "{\"_type\":\"timestamp\",\"version\":1}".getBytes(StandardCharsets.UTF_8);
    Signature sig = signer.sign(message);

    assertEquals(key.keyId(), sig.keyid());
    assertTrue(key.publicKey().verify(message, sig.sig()), "signature must verify");
    message[2] ^= 1;
    assertFalse(key.publicKey().verify(message, sig.sig()), "signature over other bytes");
  }

  @ParameterizedTest
  @EnumSource(KeyScheme.class)
  void signer_repeatedCalls_keepSigning(KeyScheme scheme) {
    PrivateKeySigner key = key(scheme);
    String uri = storeKey(tempDir, key);
    KeyVault vault = open();
    byte[] message = {'{', '}'};
    for (int i = 0; i < 3; i++) {
      Signature sig = vault.signer(uri, key.publicKey()).sign(message);
      assertTrue(key.publicKey().verify(message, sig.sig()));
    }
  }

  @ParameterizedTest
  @EnumSource(KeyScheme.class)
  void signer_wrongPublicKey_isRefused(KeyScheme scheme) {
    PrivateKeySigner key = key(scheme);
    String uri = storeKey(tempDir, key);
    KeyVault vault = open();
    Key wrong = otherKey(scheme).publicKey();

    KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.signer(uri, wrong));
    assertMentions(e, uri);
    assertNoKeyMaterial(e, key);
  }

  @Test
  void signer_publicKeyOfAnotherScheme_isRefused() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    String uri = storeKey(tempDir, key);
    KeyVault vault = open();
    Key wrong = key(KeyScheme.ECDSA_P256).publicKey();

    KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.signer(uri, wrong));
    assertNoKeyMaterial(e, key);
  }

  @Test
  void signer_uriNamingNoKey_isRefused() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    String missing = missingKeyUri(storeKey(tempDir, key));
    KeyVault vault = open();
    assertTrue(vault.supports(missing), missing);

    KeyVaultException e =
        assertThrows(KeyVaultException.class, () -> vault.signer(missing, key.publicKey()));
    assertMentions(e, missing);
  }

  @Test
  void signer_uriOfAnotherScheme_isNotSupportedAndRefused() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    storeKey(tempDir, key);
    KeyVault vault = open();
    String foreign = "awskms:arn:aws:kms:eu-west-1:123456789012:key/unknown";

    assertFalse(vault.supports(foreign));
    KeyVaultException e =
        assertThrows(KeyVaultException.class, () -> vault.signer(foreign, key.publicKey()));
    assertMentions(e, foreign);
  }

  @Test
  void signer_concurrentSigningFrom8Threads_allSignaturesVerify() throws Exception {
    int threads = 8;
    int perThread = 40;
    List<PrivateKeySigner> keys = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    for (KeyScheme scheme : KeyScheme.values()) {
      keys.add(key(scheme));
      uris.add(storeKey(tempDir, key(scheme)));
    }
    KeyVault vault = open();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  start.await(10, TimeUnit.SECONDS);
                  int verified = 0;
                  for (int i = 0; i < perThread; i++) {
                    int k = (thread + i) % keys.size();
                    PrivateKeySigner key = keys.get(k);
                    Signer signer = vault.signer(uris.get(k), key.publicKey());
                    byte[] msg =
                        ("{\"thread\":" + thread + ",\"i\":" + i + "}")
                            .getBytes(StandardCharsets.UTF_8);
                    Signature sig = signer.sign(msg);
                    if (sig.keyid().equals(key.keyId()) && key.publicKey().verify(msg, sig.sig())) {
                      verified++;
                    }
                  }
                  return verified;
                }));
      }
      for (Future<Integer> r : results) {
        assertEquals(perThread, r.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Asserts that the message of {@code e} names {@code uri}. */
  protected static void assertMentions(Exception e, String uri) {
    assertTrue(
        e.getMessage() != null && e.getMessage().contains(uri),
        () -> "message should name " + uri + ": " + e.getMessage());
  }

  /** Asserts that no line of the private key's PKCS#8 base64 is in the messages of {@code e}. */
  protected static void assertNoKeyMaterial(Throwable e, PrivateKeySigner key) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String msg = String.valueOf(t.getMessage());
      for (String line : key.toPkcs8Pem().split("\n")) {
        if (!line.startsWith("-----") && line.length() >= 16) {
          assertFalse(msg.contains(line), "exception message contains private key material");
        }
      }
    }
  }
}
