package dev.tufrepo.keyvault;

import static dev.tufrepo.testing.JsonAccess.get;
import static dev.tufrepo.testing.JsonAccess.obj;
import static dev.tufrepo.testing.JsonAccess.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import dev.tufrepo.testing.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileKeyVaultTest extends KeyVaultContract {
  private static final byte[] MESSAGE = "{\"_type\":\"snapshot\"}".getBytes(StandardCharsets.UTF_8);

  @Override
  protected KeyVault vault(Path tempDir) {
    return FileKeyVault.builder(keyDir(tempDir)).poolSize(4).build();
  }

  /**
   * Stores the key as RSTUF's CLI does: a PKCS#8 PEM named by its keyid, URI {@code fn:<keyid>}.
   */
  @Override
  protected String storeKey(Path tempDir, PrivateKeySigner key) {
    write(keyDir(tempDir).resolve(key.keyId()), key.toPkcs8Pem());
    return "fn:" + key.keyId();
  }

  private static Path keyDir(Path tempDir) {
    try {
      return Files.createDirectories(tempDir.resolve("keys"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private KeyVaultException refused(String uri, Key key) {
    KeyVault vault = open();
    KeyVaultException e = assertThrows(KeyVaultException.class, () -> vault.signer(uri, key));
    assertMentions(e, uri);
    return e;
  }

  private static void assertReason(KeyVaultException e, String reason) {
    assertTrue(e.getMessage().contains(reason), () -> "expected «" + reason + "» in: " + e);
  }

  // --- path rules ---

  @ParameterizedTest
  @ValueSource(strings = {"fn:../x", "fn:sub/../../x", "fn:..", "fn:sub/../x"})
  void signer_dotDotInPath_isRefused(String uri) {
    write(tempDir.resolve("x"), key(KeyScheme.ED25519).toPkcs8Pem());
    assertReason(refused(uri, key(KeyScheme.ED25519).publicKey()), "'..' is not allowed");
  }

  @Test
  void signer_absolutePath_isRefused() {
    assertReason(refused("fn:/etc/passwd", key(KeyScheme.ED25519).publicKey()), "absolute paths");
  }

  @Test
  void signer_absolutePathToAKeyInsideTheDirectory_isRefused() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    Path file = write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    assertReason(refused("fn:" + file.toAbsolutePath(), key.publicKey()), "absolute paths");
  }

  @Test
  void signer_symlinkToAFileOutsideTheDirectory_isRefused() throws IOException {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    Path outside = write(tempDir.resolve("outside.pem"), key.toPkcs8Pem());
    createSymlinkOrSkip(keyDir(tempDir).resolve("link.pem"), outside);

    KeyVaultException e = refused("fn:link.pem", key.publicKey());
    assertReason(e, "resolves outside the key directory");
  }

  @Test
  void signer_symlinkedSubdirectoryOutsideTheDirectory_isRefused() throws IOException {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    write(tempDir.resolve("elsewhere/online.pem"), key.toPkcs8Pem());
    createSymlinkOrSkip(keyDir(tempDir).resolve("sub"), tempDir.resolve("elsewhere"));

    assertReason(
        refused("fn:sub/online.pem", key.publicKey()), "resolves outside the key directory");
  }

  @Test
  void signer_symlinkInsideTheDirectory_isFollowed() throws IOException {
    // Kubernetes secret volumes look like this: key -> ..data/key, ..data -> ..2026_11_25
    PrivateKeySigner key = key(KeyScheme.ED25519);
    Path dir = keyDir(tempDir);
    write(dir.resolve("..2026_11_25/online.pem"), key.toPkcs8Pem());
    createSymlinkOrSkip(dir.resolve("..data"), dir.resolve("..2026_11_25"));
    createSymlinkOrSkip(dir.resolve("online.pem"), dir.resolve("..data/online.pem"));

    Signature sig = open().signer("fn:online.pem", key.publicKey()).sign(MESSAGE);
    assertTrue(key.publicKey().verify(MESSAGE, sig.sig()));
  }

  @Test
  void signer_relativePathInsideTheDirectory_isServed() {
    PrivateKeySigner key = key(KeyScheme.ECDSA_P256);
    write(keyDir(tempDir).resolve("online/timestamp.pem"), key.toPkcs8Pem());

    Signature sig = open().signer("fn:online/timestamp.pem", key.publicKey()).sign(MESSAGE);
    assertTrue(key.publicKey().verify(MESSAGE, sig.sig()));
  }

  @Test
  void signer_keyDirectoryItselfOrADirectory_isRefused() throws IOException {
    Files.createDirectories(keyDir(tempDir).resolve("sub"));
    Key key = key(KeyScheme.ED25519).publicKey();
    assertThrows(KeyVaultException.class, () -> open().signer("fn:.", key));
    assertReason(refused("fn:sub", key), "not a regular file");
    assertReason(refused("fn:", key), "names no file");
  }

  @Test
  void signer_fileNameWithNul_isRefused() {
    assertReason(refused("fn:a\0b", key(KeyScheme.ED25519).publicKey()), "not a valid file name");
  }

  // --- file contents ---

  @Test
  void signer_missingFile_isRefused() {
    keyDir(tempDir);
    assertReason(refused("fn:absent.pem", key(KeyScheme.ED25519).publicKey()), "no such file");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not a PEM file at all\n",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n!!! not base64 !!!\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJQBny1Blf18\n",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        ""
      })
  void signer_malformedPem_isRefusedWithAReason(String text) {
    write(keyDir(tempDir).resolve("bad.pem"), text);
    KeyVaultException e = refused("fn:bad.pem", key(KeyScheme.ED25519).publicKey());
    assertReason(e, "not a usable private key");
  }

  @Test
  void signer_publicKeyPemInsteadOfPrivate_isRefused() {
    PrivateKeySigner key = key(KeyScheme.ECDSA_P256);
    write(keyDir(tempDir).resolve("public.pem"), key.publicKey().publicValue());
    assertReason(refused("fn:public.pem", key.publicKey()), "PUBLIC KEY");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
            + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\nAAAA\n"
            + "-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkq\n"
            + "-----END ENCRYPTED PRIVATE KEY-----\n"
      })
  void signer_encryptedPem_isRefused(String text) {
    write(keyDir(tempDir).resolve("encrypted.pem"), text);
    assertReason(
        refused("fn:encrypted.pem", key(KeyScheme.RSA_PSS_SHA256).publicKey()), "encrypted PEM");
  }

  @Test
  void signer_oversizedFile_isRefused() {
    write(keyDir(tempDir).resolve("big.pem"), "A".repeat(KeyFiles.MAX_PEM_BYTES + 1));
    assertReason(refused("fn:big.pem", key(KeyScheme.ED25519).publicKey()), "too large");
  }

  @Test
  void signer_keyOfAnotherKeyid_namesBothKeyidsButNoKeyMaterial() {
    PrivateKeySigner stored = key(KeyScheme.RSA_PSS_SHA256);
    PrivateKeySigner wanted = otherKey(KeyScheme.RSA_PSS_SHA256);
    write(keyDir(tempDir).resolve("online.pem"), stored.toPkcs8Pem());

    KeyVaultException e = refused("fn:online.pem", wanted.publicKey());
    assertReason(e, stored.keyId());
    assertReason(e, wanted.keyId());
    assertNoKeyMaterial(e, stored);
  }

  // --- RSTUF conventions and caching ---

  @Test
  void signer_rstufKeyidNamedFile_isServed() {
    PrivateKeySigner key = key(KeyScheme.RSA_PSS_SHA256);
    write(keyDir(tempDir).resolve(key.keyId()), key.toPkcs8Pem());
    Key withUri = key.publicKey().withUnrecognized(Map.of());

    Signer signer = open().signer("fn:" + key.keyId(), withUri);
    assertTrue(key.publicKey().verify(MESSAGE, signer.sign(MESSAGE).sig()));
  }

  @Test
  void supports_onlyTheFnScheme() {
    KeyVault vault = FileKeyVault.of(keyDir(tempDir));
    assertTrue(vault.supports("fn:abc"));
    assertFalse(vault.supports("FN:abc"));
    assertFalse(vault.supports("file2:abc"));
    assertFalse(vault.supports("pkcs11:token=x"));
    assertFalse(vault.supports(null));
  }

  @Test
  void signer_repeatedCalls_doNotReadTheFileAgain() throws IOException {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    Path file = write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    KeyVault vault = open();

    Signer first = vault.signer("fn:online.pem", key.publicKey());
    Files.delete(file);
    Signer second = vault.signer("fn:online.pem", key.publicKey());

    assertSame(first, second);
    assertTrue(key.publicKey().verify(MESSAGE, second.sign(MESSAGE).sig()));
  }

  @Test
  void signer_cacheIsPerKeyid_soAnotherKeyIsStillChecked() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    KeyVault vault = open();
    vault.signer("fn:online.pem", key.publicKey());

    Key other = otherKey(KeyScheme.ED25519).publicKey();
    assertThrows(KeyVaultException.class, () -> vault.signer("fn:online.pem", other));
  }

  @Test
  void signer_sameFileUnderTwoUris_givesTwoWorkingSigners() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    KeyVault vault = open();

    Signer a = vault.signer("fn:online.pem", key.publicKey());
    Signer b = vault.signer("fn:./online.pem", key.publicKey());
    assertNotSame(a, b);
    assertTrue(key.publicKey().verify(MESSAGE, b.sign(MESSAGE).sig()));
  }

  @Test
  void pooledSigner_usesAtMostThePoolSizeOfInstances() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    try (FileKeyVault vault = FileKeyVault.builder(keyDir(tempDir)).poolSize(2).build()) {
      PooledSigner signer = (PooledSigner) vault.signer("fn:online.pem", key.publicKey());
      assertEquals(2, signer.size());
      signer.sign(MESSAGE);
      assertEquals(1, signer.instances());
    }
  }

  @Test
  void close_refusesNewSignersAndFailsHandedOutOnes() {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    KeyVault vault = FileKeyVault.of(keyDir(tempDir));
    Signer signer = vault.signer("fn:online.pem", key.publicKey());
    vault.close();

    assertReason(assertThrows(KeyVaultException.class, () -> signer.sign(MESSAGE)), "closed");
    assertReason(
        assertThrows(KeyVaultException.class, () -> vault.signer("fn:online.pem", key.publicKey())),
        "closed");
  }

  @Test
  void build_missingKeyDirectory_isRefused() {
    Path missing = tempDir.resolve("no-such-dir");
    KeyVaultException e = assertThrows(KeyVaultException.class, () -> FileKeyVault.of(missing));
    assertReason(e, "does not exist");
    write(tempDir.resolve("file"), "x");
    assertThrows(KeyVaultException.class, () -> FileKeyVault.of(tempDir.resolve("file")));
  }

  @Test
  void builder_poolSizeBelowOne_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> FileKeyVault.builder(tempDir).poolSize(0));
  }

  @Test
  void keyDirectoryReachedThroughASymlink_servesItsKeys() throws IOException {
    PrivateKeySigner key = key(KeyScheme.ED25519);
    write(keyDir(tempDir).resolve("online.pem"), key.toPkcs8Pem());
    Path link = tempDir.resolve("keys-link");
    createSymlinkOrSkip(link, keyDir(tempDir));

    try (FileKeyVault vault = FileKeyVault.of(link)) {
      Signer signer = vault.signer("fn:online.pem", key.publicKey());
      assertTrue(key.publicKey().verify(MESSAGE, signer.sign(MESSAGE).sig()));
    }
  }

  // --- shared test vectors ---

  @Test
  void vectors_pythonTufTimestampKey_loadsWithTheExpectedKeyid() {
    Path repo = Vectors.resolve("python-tuf-repo");
    JsonValue expected = get(Vectors.json(repo.resolve("expected/keys.json")), "timestamp");
    Key publicKey = keyFromJson(get(expected, "key"));
    assertEquals(str(expected, "keyid"), publicKey.keyId());

    try (FileKeyVault vault = FileKeyVault.of(repo.resolve("keys"))) {
      Signer signer = vault.signer("fn:timestamp.private.pem", publicKey);
      Signature sig = signer.sign(MESSAGE);
      assertEquals(str(expected, "keyid"), sig.keyid());
      assertTrue(publicKey.verify(MESSAGE, sig.sig()));
    }
  }

  static Stream<Arguments> mixedKeytypeKeys() {
    Path repo = Vectors.resolve("python-tuf-repo-mixed-keytypes");
    JsonObject keys = obj(Vectors.json(repo.resolve("expected/keys.json")));
    return keys.members().entrySet().stream()
        .map(e -> Arguments.of(e.getKey(), str(e.getValue(), "private_key_file"), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mixedKeytypeKeys")
  void vectors_mixedKeytypeKeys_loadAndSign(String role, String privateKeyFile, JsonValue entry) {
    Path repo = Vectors.resolve("python-tuf-repo-mixed-keytypes");
    assumeTrue(privateKeyFile != null, role + " has no private key file");
    Key publicKey = keyFromJson(get(entry, "key"));
    assertEquals(str(entry, "keyid"), publicKey.keyId());

    try (FileKeyVault vault = FileKeyVault.of(repo)) {
      Signature sig = vault.signer("fn:" + privateKeyFile, publicKey).sign(MESSAGE);
      assertEquals(str(entry, "keyid"), sig.keyid());
      assertTrue(publicKey.verify(MESSAGE, sig.sig()), role);
    }
  }

  @Test
  void vectors_everyMixedKeytypePemFile_isCoveredByKeysJson() throws IOException {
    Path repo = Vectors.resolve("python-tuf-repo-mixed-keytypes");
    JsonObject keys = obj(Vectors.json(repo.resolve("expected/keys.json")));
    try (Stream<Path> files = Files.list(repo.resolve("keys"))) {
      long pems = files.filter(p -> p.toString().endsWith(".private.pem")).count();
      long listed =
          keys.members().values().stream().filter(v -> str(v, "private_key_file") != null).count();
      assertEquals(pems, listed);
    }
  }

  private static Key keyFromJson(JsonValue key) {
    JsonObject keyval = obj(get(key, "keyval"));
    return new Key(str(key, "keytype"), str(key, "scheme"), keyval.members(), Map.of());
  }

  private static void createSymlinkOrSkip(Path link, Path target) throws IOException {
    try {
      Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException e) {
      assumeTrue(false, "symbolic links are not supported here");
    }
  }
}
