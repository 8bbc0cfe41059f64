package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.storage.MetadataStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deletes old consistent-snapshot files (RSTUF #908: its storage only grows). Kept: every root,
 * {@code timestamp.json}, the newest {@code keep} versions of every role, every version younger
 * than the minimum age, every version newer than the current one, and every file that a kept
 * snapshot references, so a client that fetched a recent timestamp still finds all it points to. A
 * version's age is counted from when it was signed: its expiry minus the role's current validity
 * period.
 */
public final class Retention {
  private static final Pattern VERSIONED = Pattern.compile("([0-9]+)\\.(.+)\\.json");

  private Retention() {}

  /** Deletes what may go; returns the names deleted. */
  public static List<String> prune(
      MetadataStore store, RepoState state, int keep, Duration minAge, Instant now) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least the current version");
    }
    Map<String, TreeMap<Integer, String>> byRole = new HashMap<>();
    for (String name : store.list()) {
      Matcher m = VERSIONED.matcher(name);
      if (m.matches() && !m.group(2).equals(TufRole.ROOT)) {
        byRole
            .computeIfAbsent(m.group(2), r -> new TreeMap<>())
            .put(Integer.parseInt(m.group(1)), name);
      }
    }
    Set<String> kept = new HashSet<>();
    Instant cutoff = now.minus(minAge);
    RepositorySettings settings = state.settings();
    // snapshots first: what a kept snapshot references stays
    int currentSnapshot = state.snapshot().metadata().signed().version();
    TreeMap<Integer, String> snapshots = byRole.getOrDefault(TufRole.SNAPSHOT, new TreeMap<>());
    int rank = 0;
    for (Map.Entry<Integer, String> e : snapshots.descendingMap().entrySet()) {
      boolean withinCount = rank++ < keep;
      boolean keepIt =
          e.getKey() >= currentSnapshot
              || withinCount
              || young(store, e.getValue(), period(settings, TufRole.SNAPSHOT), cutoff, now);
      if (keepIt) {
        kept.add(e.getValue());
        referenced(store, e.getValue()).ifPresent(kept::addAll);
      }
    }
    Map<String, MetaFile> current = state.snapshot().metadata().signed().meta();
    for (Map.Entry<String, TreeMap<Integer, String>> role : byRole.entrySet()) {
      if (role.getKey().equals(TufRole.SNAPSHOT)) {
        continue;
      }
      MetaFile cur = current.get(role.getKey() + ".json");
      int currentVersion = cur == null ? Integer.MAX_VALUE : cur.version();
      int r = 0;
      for (Map.Entry<Integer, String> e : role.getValue().descendingMap().entrySet()) {
        boolean withinCount = r++ < keep;
        if (kept.contains(e.getValue())) {
          continue;
        }
        if (e.getKey() >= currentVersion
            || withinCount
            || young(store, e.getValue(), period(settings, role.getKey()), cutoff, now)) {
          kept.add(e.getValue());
        }
      }
    }
    List<String> deleted = new ArrayList<>();
    for (TreeMap<Integer, String> versions : byRole.values()) {
      for (String name : versions.values()) {
        if (!kept.contains(name)) {
          store.delete(name);
          deleted.add(name);
        }
      }
    }
    return deleted;
  }

  private static Optional<Set<String>> referenced(MetadataStore store, String snapshotName) {
    return store
        .read(snapshotName)
        .map(
            b -> {
              Snapshot s = Metadata.parseSnapshot(b).signed();
              Set<String> out = new HashSet<>();
              s.meta().forEach((file, meta) -> out.add(meta.version() + "." + file));
              return out;
            });
  }

  /** The validity period of {@code role}; zero (counts as younger: kept) when unknown. */
  private static Duration period(RepositorySettings settings, String role) {
    try {
      return settings.expiration(role);
    } catch (RuntimeException e) {
      return Duration.ZERO;
    }
  }

  private static boolean young(
      MetadataStore store, String name, Duration period, Instant cutoff, Instant now) {
    if (!cutoff.isBefore(now)) {
      return false; // no minimum age
    }
    Optional<byte[]> b = store.read(name);
    if (b.isEmpty()) {
      return false;
    }
    Signed s = Metadata.parse(b.get()).signed();
    return s.expires().minus(period).isAfter(cutoff);
  }
}
