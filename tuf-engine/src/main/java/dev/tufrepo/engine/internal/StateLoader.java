package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.EngineException;
import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds the in-memory state from what is committed: versions from the state store, files from
 * the metadata store. Repairs the one window a crash can leave: a publish committed but whose
 * {@code timestamp.json} was not yet replaced (the committed timestamp is written again).
 */
public final class StateLoader {
  private static final System.Logger LOG = System.getLogger(StateLoader.class.getName());

  private StateLoader() {}

  public static Optional<RepoState> load(StateStore stateStore, MetadataStore metadataStore) {
    Optional<RepositorySettings> settings = SettingKeys.read(stateStore.settings());
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    Map<String, RoleVersion> versions = stateStore.roleVersions();
    Metadata<Root> root =
        Metadata.parseRoot(read(metadataStore, version(versions, TufRole.ROOT) + ".root.json"));
    byte[] targetsBytes = read(metadataStore, version(versions, TufRole.TARGETS) + ".targets.json");
    byte[] snapshotBytes =
        read(metadataStore, version(versions, TufRole.SNAPSHOT) + ".snapshot.json");
    byte[] timestampBytes =
        stateStore
            .setting(SettingKeys.TIMESTAMP_JSON)
            .orElseThrow(() -> new EngineException("no committed timestamp in the state store"))
            .getBytes(StandardCharsets.UTF_8);
    Optional<byte[]> published = metadataStore.read(MetadataStore.TIMESTAMP);
    if (published.isEmpty() || !Arrays.equals(published.get(), timestampBytes)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "timestamp.json differs from the committed timestamp; writing the committed one");
      metadataStore.writeTimestamp(timestampBytes);
    }
    SignedFile<Targets> targets =
        new SignedFile<>(Metadata.parseTargets(targetsBytes), targetsBytes);
    SignedFile<Snapshot> snapshot =
        new SignedFile<>(Metadata.parseSnapshot(snapshotBytes), snapshotBytes);
    SignedFile<Timestamp> timestamp =
        new SignedFile<>(Metadata.parseTimestamp(timestampBytes), timestampBytes);
    RepoState partial = new RepoState(settings.get(), root, targets, snapshot, timestamp, Map.of());
    Map<String, Instant> binExpires = new HashMap<>();
    for (String bin : RoleMap.of(partial).onlineNames()) {
      RoleVersion v = versions.get(bin);
      if (v == null) {
        throw new EngineException("the state store has no version of " + bin);
      }
      binExpires.put(bin, v.expires());
    }
    return Optional.of(
        new RepoState(settings.get(), root, targets, snapshot, timestamp, binExpires));
  }

  private static int version(Map<String, RoleVersion> versions, String role) {
    RoleVersion v = versions.get(role);
    if (v == null) {
      throw new EngineException("the state store has no version of " + role);
    }
    return v.version();
  }

  private static byte[] read(MetadataStore store, String name) {
    return store
        .read(name)
        .orElseThrow(() -> new EngineException("published file " + name + " is missing"));
  }
}
