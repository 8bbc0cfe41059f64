package dev.tufrepo.engine;

import dev.tufrepo.json.JsonString;
import dev.tufrepo.keyvault.FileKeyVault;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.embedded.QueueLogStateStore;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A repository on disk for tests: a ceremony's worth of keys (root keys, an online key written to
 * the key directory), a signed root v1 shaped like {@code rstuf admin ceremony} makes it, and the
 * embedded stores.
 */
public final class TestRepository implements AutoCloseable {
  public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  public final Path dir;
  private final boolean fsync;
  public final MutableClock clock = new MutableClock(START);
  public final List<PrivateKeySigner> rootKeys = new ArrayList<>();
  public final PrivateKeySigner onlineKey;
  public final Path keyDir;
  public MetadataStore metadata;
  public StateStore state;
  public KeyVault vault;

  public TestRepository(Path dir) {
    this(dir, KeyScheme.ED25519, 2);
  }

  public TestRepository(Path dir, KeyScheme onlineScheme, int rootKeyCount) {
    this(dir, onlineScheme, rootKeyCount, false);
  }

  /** With {@code fsync}, the metadata store forces every publish to disk (production setting). */
  public TestRepository(Path dir, KeyScheme onlineScheme, int rootKeyCount, boolean fsync) {
    this.fsync = fsync;
    this.dir = dir;
    this.keyDir = dir.resolve("keys");
    this.onlineKey = PrivateKeySigner.generate(onlineScheme, RANDOM);
    for (int i = 0; i < rootKeyCount; i++) {
      rootKeys.add(PrivateKeySigner.generate(KeyScheme.ED25519, RANDOM));
    }
    try {
      Files.createDirectories(keyDir);
      Files.writeString(keyDir.resolve("online.pem"), onlineKey.toPkcs8Pem());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openStores();
  }

  public void openStores() {
    metadata = FileSystemMetadataStore.builder(dir.resolve("metadata")).fsync(fsync).build();
    state = QueueLogStateStore.h2(dir.resolve("state"), fsync);
    vault = FileKeyVault.of(keyDir);
  }

  public void closeStores() {
    state.close();
    metadata.close();
    vault.close();
  }

  public RepositoryEngine.Builder engineBuilder() {
    return RepositoryEngine.builder()
        .metadataStore(metadata)
        .stateStore(state)
        .keyVault(vault)
        .clock(clock);
  }

  public RepositoryEngine engine() {
    return engineBuilder().build();
  }

  /** Root v1 with threshold {@code threshold} of the root keys, signed by {@code signers}. */
  public Metadata<Root> root(int threshold, List<PrivateKeySigner> signers) {
    Map<String, Key> keys = new java.util.HashMap<>();
    List<String> rootIds = new ArrayList<>();
    for (PrivateKeySigner k : rootKeys) {
      keys.put(k.keyId(), k.publicKey());
      rootIds.add(k.keyId());
    }
    Key online =
        onlineKey
            .publicKey()
            .withUnrecognized(
                Map.of(
                    "x-rstuf-online-key-uri", new JsonString("fn:online.pem"),
                    "x-rstuf-key-name", new JsonString("online")));
    keys.put(onlineKey.keyId(), online);
    Role onlineRole = new Role(List.of(onlineKey.keyId()), 1);
    Root root =
        new Root(
            Signed.SPEC_VERSION,
            1,
            START.plus(365, ChronoUnit.DAYS),
            true,
            keys,
            Map.of(
                "root", new Role(rootIds, threshold),
                "targets", onlineRole,
                "snapshot", onlineRole,
                "timestamp", onlineRole),
            Map.of());
    return Metadata.of(root).signedBy(signers.toArray(new PrivateKeySigner[0]));
  }

  public BootstrapRequest bootstrapRequest(int bins) {
    return bootstrapRequest(root(rootKeys.size(), rootKeys), bins);
  }

  public BootstrapRequest bootstrapRequest(Metadata<Root> root, int bins) {
    return new BootstrapRequest(
        root.toJson(),
        Map.of("root", 365, "targets", 365, "snapshot", 1, "timestamp", 1, "bins", 1),
        bins);
  }

  public static Artifact artifact(String path, int seed) {
    byte[] content = (path + "#" + seed).getBytes(StandardCharsets.UTF_8);
    return new Artifact(
        path, new TargetFile(content.length, Map.of("sha256", Sha256.hex(content))));
  }

  public static List<Artifact> artifacts(String prefix, int from, int count) {
    List<Artifact> out = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      out.add(artifact(prefix + "/pkg-" + i + "/pkg-" + i + "-1.0.tar.gz", i));
    }
    return out;
  }

  public byte[] trustedRoot() {
    return metadata.read("1.root.json").orElseThrow();
  }

  public RepositoryVerifier.Report verify() {
    return RepositoryVerifier.verify(metadata, trustedRoot(), clock.instant(), true);
  }

  @Override
  public void close() {
    closeStores();
  }
}
