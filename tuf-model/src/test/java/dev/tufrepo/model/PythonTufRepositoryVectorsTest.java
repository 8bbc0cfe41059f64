package dev.tufrepo.model;

import static dev.tufrepo.testing.JsonAccess.arr;
import static dev.tufrepo.testing.JsonAccess.get;
import static dev.tufrepo.testing.JsonAccess.num;
import static dev.tufrepo.testing.JsonAccess.obj;
import static dev.tufrepo.testing.JsonAccess.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.internal.Hex;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The repositories python-tuf 5.1.0 wrote (ed25519 keys, and mixed ecdsa/rsa/ed25519 keys): every
 * file parses, re-encodes to the exact signed bytes, verifies, and maps targets to the same bins.
 */
class PythonTufRepositoryVectorsTest {

  private static Path repo(String name) {
    return Vectors.resolve(name);
  }

  private static List<Path> metadataFiles(Path repo) throws IOException {
    try (Stream<Path> s = Files.list(repo.resolve("repository/metadata"))) {
      return s.sorted().toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-tuf-repo", "python-tuf-repo-mixed-keytypes"})
  void everyFile_reencodesSignedToTheExactCanonicalBytes(String name) throws IOException {
    Path repo = repo(name);
    JsonValue expected = Vectors.json(repo.resolve("expected/metadata-files.json"));
    List<Path> files = metadataFiles(repo);
    assertEquals(21, files.size());
    for (Path file : files) {
      String fileName = file.getFileName().toString();
      byte[] bytes = Vectors.bytes(file);
      Metadata<? extends Signed> md = Metadata.parse(bytes);
      byte[] want =
          Vectors.bytes(
              repo.resolve("expected/canonical-signed/" + fileName + ".signed.canonical"));
      assertArrayEquals(want, md.signedBytes(), fileName);
      JsonValue info = get(expected, fileName);
      assertEquals(str(info, "signed_canonical_sha256"), Sha256.hex(md.signedBytes()), fileName);
      assertEquals(str(info, "sha256"), Sha256.hex(bytes), fileName);
      assertEquals(num(info, "length"), bytes.length, fileName);
      List<String> signedBy =
          arr(info, "signed_by").stream().map(v -> ((JsonString) v).value()).toList();
      assertEquals(signedBy, md.signatures().stream().map(Signature::keyid).toList(), fileName);
      // the file we would write parses back to the same metadata
      assertEquals(md, Metadata.parse(md.toJson()), fileName);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-tuf-repo", "python-tuf-repo-mixed-keytypes"})
  void everySignature_verifiesAlongTheDelegationChain(String name) {
    Path meta = repo(name).resolve("repository/metadata");
    Metadata<Root> root1 = Metadata.parseRoot(Vectors.bytes(meta.resolve("1.root.json")));
    Metadata<Root> root2 = Metadata.parseRoot(Vectors.bytes(meta.resolve("2.root.json")));
    root1.signed().verifyDelegate("root", root1);
    // rotation: v2 is signed by a threshold of v1's root keys and of its own
    root1.signed().verifyDelegate("root", root2);
    root2.signed().verifyDelegate("root", root2);
    assertThrows(
        UnsignedMetadataException.class, () -> root2.signed().verifyDelegate("root", root1));

    Metadata<Timestamp> ts = Metadata.parseTimestamp(Vectors.bytes(meta.resolve("timestamp.json")));
    Metadata<Snapshot> snap =
        Metadata.parseSnapshot(Vectors.bytes(meta.resolve("1.snapshot.json")));
    Metadata<Targets> targets =
        Metadata.parseTargets(Vectors.bytes(meta.resolve("1.targets.json")));
    root2.signed().verifyDelegate("timestamp", ts);
    root2.signed().verifyDelegate("snapshot", snap);
    root2.signed().verifyDelegate("targets", targets);
    assertThrows(
        UnsignedMetadataException.class, () -> root2.signed().verifyDelegate("snapshot", ts));

    SuccinctRoles bins = targets.signed().delegations().succinctRoles();
    assertEquals(16, bins.numberOfBins());
    for (String bin : bins.roleNames()) {
      Metadata<Targets> md =
          Metadata.parseTargets(Vectors.bytes(meta.resolve("1." + bin + ".json")));
      targets.signed().verifyDelegate(bin, md);
      assertTrue(snap.signed().meta().containsKey(bin + ".json"), bin);
    }
    // snapshot and timestamp agree with the files
    byte[] snapBytes = Vectors.bytes(meta.resolve("1.snapshot.json"));
    MetaFile snapMeta = ts.signed().snapshotMeta();
    assertEquals(snapBytes.length, snapMeta.length());
    assertEquals(Sha256.hex(snapBytes), snapMeta.hashes().get("sha256"));
    byte[] targetsBytes = Vectors.bytes(meta.resolve("1.targets.json"));
    assertEquals(
        Sha256.hex(targetsBytes), snap.signed().meta().get("targets.json").hashes().get("sha256"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-tuf-repo", "python-tuf-repo-mixed-keytypes"})
  void oneFlippedByte_failsVerification(String name) {
    Path meta = repo(name).resolve("repository/metadata");
    Metadata<Root> root2 = Metadata.parseRoot(Vectors.bytes(meta.resolve("2.root.json")));
    Metadata<Targets> targets =
        Metadata.parseTargets(Vectors.bytes(meta.resolve("1.targets.json")));
    byte[] signed = targets.signedBytes();
    Key key = root2.signed().keys().get(root2.signed().role("targets").keyids().get(0));
    String sig = targets.signatures().get(0).sig();
    assertTrue(key.verify(signed, sig));
    for (int i : new int[] {0, signed.length / 2, signed.length - 1}) {
      byte[] tampered = signed.clone();
      tampered[i] ^= 0x01;
      assertFalse(key.verify(tampered, sig), "flipped byte " + i);
    }
    byte[] sigBytes = Hex.decode(sig);
    sigBytes[sigBytes.length / 2] ^= 0x01;
    assertFalse(key.verify(signed, Hex.encode(sigBytes)));

    // a changed target length (one changed value in signed) is caught through the metadata
    Map<String, TargetFile> changed = new java.util.TreeMap<>(targets.signed().targets());
    TargetFile tf = changed.get("toplevel.txt");
    changed.put("toplevel.txt", new TargetFile(tf.length() + 1, tf.hashes()));
    Metadata<Targets> forged =
        new Metadata<>(targets.signed().withTargets(changed), targets.signatures(), Map.of());
    UnsignedMetadataException e =
        assertThrows(
            UnsignedMetadataException.class,
            () -> root2.signed().verifyDelegate("targets", forged));
    assertEquals("targets", e.role());
    assertEquals(0, e.validSignatures());
    assertEquals(1, e.threshold());
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-tuf-repo", "python-tuf-repo-mixed-keytypes"})
  void keyids_andPrivateKeys_matchTheExpectedKeys(String name) {
    Path repo = repo(name);
    JsonObject keys = obj(Vectors.json(repo.resolve("expected/keys.json")));
    assertEquals(6, keys.members().size());
    for (Map.Entry<String, JsonValue> e : keys.members().entrySet()) {
      JsonValue info = e.getValue();
      Key key = Key.fromJson(get(info, "key"), e.getKey());
      assertEquals(str(info, "keyid"), key.keyId(), e.getKey());
      assertEquals(
          str(info, "canonical_key_json"),
          new String(Json.canonical(get(info, "key")), java.nio.charset.StandardCharsets.UTF_8));
      PrivateKeySigner signer =
          PrivateKeySigner.fromPem(Vectors.string(repo.resolve(str(info, "private_key_file"))));
      assertEquals(
          key, signer.publicKey(), e.getKey() + ": public key derived from the private key");
      assertEquals(str(info, "keyid"), signer.keyId());
      byte[] message =
          ("message for " + e.getKey()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Signature sig = signer.sign(message);
      assertTrue(key.verify(message, sig.sig()), e.getKey());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-tuf-repo", "python-tuf-repo-mixed-keytypes"})
  void resigningWithTheSameEd25519Key_reproducesPythonTufSignatures(String name) {
    Path repo = repo(name);
    Path meta = repo.resolve("repository/metadata");
    PrivateKeySigner snapshotKey =
        PrivateKeySigner.fromPem(Vectors.string(repo.resolve("keys/snapshot.private.pem")));
    Metadata<Snapshot> snap =
        Metadata.parseSnapshot(Vectors.bytes(meta.resolve("1.snapshot.json")));
    assertEquals(snap.signatures(), snap.signedBy(snapshotKey).signatures());
  }

  @ParameterizedTest
  @ValueSource(strings = {"python-tuf-repo", "python-tuf-repo-mixed-keytypes"})
  void targets_areInTheBinsPythonTufPutThemIn(String name) {
    Path repo = repo(name);
    Path meta = repo.resolve("repository/metadata");
    JsonValue table = Vectors.json(repo.resolve("expected/target-bins.json"));
    Metadata<Targets> top = Metadata.parseTargets(Vectors.bytes(meta.resolve("1.targets.json")));
    SuccinctRoles bins = top.signed().delegations().succinctRoles();
    assertEquals(num(table, "bit_length"), bins.bitLength());
    assertEquals(str(table, "name_prefix"), bins.namePrefix());
    List<String> all =
        arr(table, "all_bin_roles").stream().map(v -> ((JsonString) v).value()).toList();
    assertEquals(all, bins.roleNames());
    int checked = 0;
    for (JsonValue t : arr(table, "targets")) {
      String path = str(t, "target_path");
      String bin = str(t, "bin_role");
      if (bin == null) {
        assertNotNull(top.signed().targets().get(path), path + " is in top-level targets");
        continue;
      }
      assertEquals(num(t, "bin_index"), bins.binIndex(path), path);
      assertEquals(bin, bins.roleForTarget(path), path);
      assertEquals(
          str(t, "sha256_of_path_utf8"),
          Sha256.hex(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Metadata<Targets> binMd =
          Metadata.parseTargets(Vectors.bytes(meta.resolve("1." + bin + ".json")));
      TargetFile tf = binMd.signed().targets().get(path);
      assertNotNull(tf, path + " in " + bin);
      assertEquals(num(t, "length"), tf.length());
      assertEquals(get(t, "hashes"), JsonObject.of(tfHashes(tf)));
      checked++;
    }
    assertEquals(6, checked);
  }

  private static Map<String, JsonValue> tfHashes(TargetFile tf) {
    Map<String, JsonValue> m = new java.util.TreeMap<>();
    tf.hashes().forEach((k, v) -> m.put(k, new JsonString(v)));
    return m;
  }
}
