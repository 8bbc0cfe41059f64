package dev.tufrepo.conformance;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.MutableClock;
import dev.tufrepo.engine.PublishResult;
import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.engine.TestRepository;
import dev.tufrepo.engine.internal.SettingKeys;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A repository published by the engine and served over HTTP, with the target files behind it: the
 * engine's embedded stores and keys from {@link TestRepository}, its test clock, a {@link
 * RepositoryServer} on the metadata directory, and a target directory holding every artifact under
 * its consistent-snapshot name ({@code <dir>/<sha256>.<name>}).
 *
 * <p>It remembers which targets are published and which were removed, so a scenario can ask every
 * client for exactly what it should (and should not) find.
 */
final class ConformanceRepository implements AutoCloseable {
  /** The one top-level target every repository gets, so that sigstore-java has a target. */
  static final String TOP_LEVEL = "toplevel/readme.txt";

  final TestRepository repo;
  final Path targetsDir;
  final Path trustedRoot;
  RepositoryEngine engine;
  RepositoryServer server;
  private final Map<String, byte[]> present = new LinkedHashMap<>();
  private final Set<String> topLevel = new LinkedHashSet<>();
  private final Set<String> removed = new LinkedHashSet<>();
  private final Path dir;
  private int clientSessions;

  ConformanceRepository(Path dir, KeyScheme onlineScheme) {
    this.dir = dir;
    this.repo = new TestRepository(dir.resolve("repo"), onlineScheme, 2);
    this.targetsDir = dir.resolve("served-targets");
    this.trustedRoot = dir.resolve("trusted-root.json");
    try {
      Files.createDirectories(targetsDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.engine = repo.engine();
    this.server = RepositoryServer.start(metadataDir(), targetsDir);
  }

  /**
   * Bootstraps with {@code bins} hash bins, keeps root v1 as the clients' trusted root, and puts
   * {@link #TOP_LEVEL} into the top-level targets (see {@link #addTopLevelTarget}).
   */
  static ConformanceRepository bootstrapped(Path dir, KeyScheme onlineScheme, int bins) {
    ConformanceRepository r = new ConformanceRepository(dir, onlineScheme);
    r.bootstrap(bins);
    r.addTopLevelTarget(TOP_LEVEL);
    return r;
  }

  static ConformanceRepository bootstrapped(Path dir, int bins) {
    return bootstrapped(dir, KeyScheme.ED25519, bins);
  }

  Path metadataDir() {
    return ((FileSystemMetadataStore) repo.metadata).directory();
  }

  MutableClock clock() {
    return repo.clock;
  }

  void bootstrap(int bins) {
    var result = engine.bootstrap(repo.bootstrapRequest(bins));
    if (!result.status()) {
      throw new IllegalStateException("bootstrap failed: " + result.toJsonText());
    }
    write(trustedRoot, repo.metadata.read("1.root.json").orElseThrow());
  }

  /**
   * Bootstraps with custom delegated roles instead of hash bins (RSTUF's {@code
   * metadata.delegations}), keeps root v1 as the clients' trusted root and adds {@link #TOP_LEVEL}.
   */
  void bootstrapWithDelegations(String delegationsJson) {
    var result =
        engine.bootstrap(
            dev.tufrepo.engine.BootstrapRequest.withDelegations(
                repo.root(repo.rootKeys.size(), repo.rootKeys).toJson(),
                Map.of("root", 365, "targets", 365, "snapshot", 1, "timestamp", 1),
                delegationsJson.getBytes(StandardCharsets.UTF_8)));
    if (!result.status()) {
      throw new IllegalStateException("bootstrap failed: " + result.toJsonText());
    }
    write(trustedRoot, repo.metadata.read("1.root.json").orElseThrow());
    addTopLevelTarget(TOP_LEVEL);
  }

  /** Forgets {@code paths}: the engine refused them, so clients must not find them. */
  void refused(List<String> paths) {
    for (String p : paths) {
      present.remove(p);
      removed.add(p);
    }
  }

  // ---------------------------------------------------------------- artifacts

  /** The bytes of the artifact at {@code path}: different for every path and generation. */
  static byte[] content(String path, int generation) {
    return ("artifact " + path + " generation " + generation + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code count} artifact paths: mostly package-like paths in sub-directories, and every fourth
   * one with a space or non-ASCII characters, which clients percent-encode in the URL.
   */
  static List<String> paths(String prefix, int from, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      out.add(
          switch (i % 4) {
            case 0 -> prefix + "/pkg-" + i + "/pkg-" + i + "-1.0.tar.gz";
            case 1 -> prefix + "-" + i + ".whl";
            case 2 -> prefix + "/with space/file " + i + ".txt";
            default -> prefix + "/ünïcødé/fïlé-" + i + ".bin";
          });
    }
    return out;
  }

  /** Queues {@code paths} (content generation {@code generation}) and publishes them. */
  PublishResult add(List<String> paths, int generation) {
    List<Artifact> artifacts = new ArrayList<>();
    for (String p : paths) {
      byte[] bytes = content(p, generation);
      TargetFile info = new TargetFile(bytes.length, Map.of("sha256", Sha256.hex(bytes)));
      serveTarget(p, bytes, info);
      artifacts.add(new Artifact(p, info));
      present.put(p, bytes);
      removed.remove(p);
    }
    engine.submit(ArtifactBatch.add(artifacts));
    return engine.publish();
  }

  PublishResult add(List<String> paths) {
    return add(paths, 0);
  }

  /** Removes {@code paths} and publishes. */
  PublishResult remove(List<String> paths) {
    engine.submit(ArtifactBatch.remove(paths));
    for (String p : paths) {
      present.remove(p);
      removed.add(p);
    }
    return engine.publish();
  }

  /** Writes a copy of the target for each hash it lists: {@code <dir>/<hex>.<basename>}. */
  void serveTarget(String path, byte[] bytes, TargetFile info) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash + 1);
    String base = path.substring(slash + 1);
    for (String hex : info.hashes().values()) {
      write(targetsDir.resolve(parent + hex + "." + base), bytes);
    }
  }

  /**
   * Adds {@code path} to the top-level targets. The engine puts every artifact into a hash bin and
   * keeps whatever the top-level targets list when it re-signs them, but never adds a target there
   * itself (RSTUF does the same). sigstore-java reads only top-level targets, so the tests make
   * that state the way an operator's tool would: targets v+1 with the target, signed with the
   * online key through the tuf-model API, then snapshot v+1 and timestamp v+1, written to the
   * metadata store and committed in the state store exactly as a publish commits (versions and the
   * committed timestamp). The engine notices the new committed timestamp on its next publish and
   * reloads; every later targets, snapshot and timestamp is then the engine's own.
   */
  void addTopLevelTarget(String path) {
    byte[] bytes = content(path, 0);
    TargetFile info = new TargetFile(bytes.length, Map.of("sha256", Sha256.hex(bytes)));
    serveTarget(path, bytes, info);
    Map<String, RoleVersion> versions = repo.state.roleVersions();
    int tv = versions.get("targets").version();
    int sv = versions.get("snapshot").version();
    Targets oldTargets = Metadata.parseTargets(read(tv + ".targets.json")).signed();
    Map<String, TargetFile> targetMap = new TreeMap<>(oldTargets.targets());
    targetMap.put(path, info);
    Targets targets = oldTargets.withTargets(targetMap).withVersion(tv + 1);
    byte[] targetsBytes = Metadata.of(targets).signedBy(repo.onlineKey).toJson();

    Snapshot oldSnapshot = Metadata.parseSnapshot(read(sv + ".snapshot.json")).signed();
    Map<String, MetaFile> meta = new HashMap<>(oldSnapshot.meta());
    meta.put("targets.json", MetaFile.of(tv + 1));
    Snapshot snapshot = oldSnapshot.withMeta(meta).withVersion(sv + 1);
    byte[] snapshotBytes = Metadata.of(snapshot).signedBy(repo.onlineKey).toJson();

    Timestamp oldTimestamp = Metadata.parseTimestamp(read("timestamp.json")).signed();
    Timestamp timestamp =
        oldTimestamp
            .withVersion(oldTimestamp.version() + 1)
            .withSnapshotMeta(
                MetaFile.of(
                    sv + 1, snapshotBytes.length, Map.of("sha256", Sha256.hex(snapshotBytes))));
    byte[] timestampBytes = Metadata.of(timestamp).signedBy(repo.onlineKey).toJson();

    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put((tv + 1) + ".targets.json", targetsBytes);
    files.put((sv + 1) + ".snapshot.json", snapshotBytes);
    repo.metadata.writeVersioned(files);
    repo.state.commitPublish(
        new PublishCommit(
            0,
            Map.of(
                "targets", new RoleVersion(tv + 1, targets.expires()),
                "snapshot", new RoleVersion(sv + 1, snapshot.expires()),
                "timestamp", new RoleVersion(timestamp.version(), timestamp.expires())),
            List.of(),
            List.of(),
            Map.of(
                SettingKeys.TIMESTAMP_JSON, new String(timestampBytes, StandardCharsets.UTF_8))));
    repo.metadata.writeTimestamp(timestampBytes);
    present.put(path, bytes);
    topLevel.add(path);
  }

  /**
   * Records a target that is already published (by another writer, e.g. python-tuf) and served from
   * {@link #targetsDir}.
   */
  void published(String path, byte[] bytes, boolean inTopLevelTargets) {
    present.put(path, bytes);
    if (inTopLevelTargets) {
      topLevel.add(path);
    }
  }

  /** A new engine on the same stores: it loads what the state store says is committed. */
  void reopenEngine() {
    engine.close();
    engine = repo.engine();
  }

  // ---------------------------------------------------------------- what clients should see

  /** What {@code client} must find now: every published target it can look up. */
  Expectation expectation(TufClient client) {
    if (client.followsDelegations()) {
      return new Expectation(present, List.copyOf(removed));
    }
    Map<String, byte[]> top = new LinkedHashMap<>();
    topLevel.forEach(p -> top.put(p, present.get(p)));
    return Expectation.present(top);
  }

  /** Only the given targets (for the clients that can see them). */
  Expectation expectation(TufClient client, List<String> paths) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (String p : paths) {
      if (client.followsDelegations() || topLevel.contains(p)) {
        m.put(p, present.get(p));
      }
    }
    return Expectation.present(m);
  }

  /** A new client cache that starts from {@link #trustedRoot} (root v1). */
  Session newSession(TufClient client) {
    return newSession(client, trustedRoot);
  }

  Session newSession(TufClient client, Path initialRoot) {
    return new Session(
        dir.resolve("clients").resolve(client.name() + "-" + (++clientSessions)),
        initialRoot,
        server.metadataUrl(),
        server.targetsUrl());
  }

  /** The published timestamp. */
  Timestamp timestamp() {
    return Metadata.parseTimestamp(read("timestamp.json")).signed();
  }

  /** The published version of {@code role} (timestamp, snapshot, targets, root). */
  int version(String role) {
    Timestamp ts = timestamp();
    switch (role) {
      case "timestamp":
        return ts.version();
      case "snapshot":
        return ts.snapshotMeta().version();
      case "root":
        return repo.state.roleVersions().get("root").version();
      default:
        int sv = ts.snapshotMeta().version();
        return Metadata.parseSnapshot(read(sv + ".snapshot.json"))
            .signed()
            .meta()
            .get(role + ".json")
            .version();
    }
  }

  byte[] read(String name) {
    return repo.metadata.read(name).orElseThrow(() -> new IllegalStateException("no " + name));
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ensures a publish happened (used after clock jumps). */
  PublishResult refresh() {
    return engine.refresh();
  }

  @Override
  public void close() {
    server.close();
    engine.close();
    repo.close();
  }
}
