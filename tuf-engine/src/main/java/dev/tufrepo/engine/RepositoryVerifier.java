package dev.tufrepo.engine;

import dev.tufrepo.TufException;
import dev.tufrepo.model.DelegatedRole;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.MetadataStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks a published repository from a trusted root the way a TUF client would (<a
 * href="https://theupdateframework.github.io/specification/latest/#detailed-client-workflow">spec,
 * client workflow</a>) and lists every problem found, instead of stopping at the first: root
 * rotations, timestamp, snapshot (length and hashes when listed), targets, and every delegated role
 * in the snapshot, with signatures, thresholds, versions and expiries; targets sitting in the wrong
 * bin.
 */
public final class RepositoryVerifier {
  /** What the walk found. {@code targets} is filled only when asked for. */
  public record Report(
      List<String> problems,
      int rootVersion,
      int timestampVersion,
      int snapshotVersion,
      int rolesChecked,
      long targetCount,
      Map<String, TargetFile> targets) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private final MetadataStore store;
  private final Instant now;
  private final boolean collectTargets;
  private final List<String> problems = new ArrayList<>();

  private RepositoryVerifier(MetadataStore store, Instant now, boolean collectTargets) {
    this.store = store;
    this.now = now;
    this.collectTargets = collectTargets;
  }

  /** Verifies what {@code store} publishes, trusting {@code trustedRoot} (a root file's bytes). */
  public static Report verify(
      MetadataStore store, byte[] trustedRoot, Instant now, boolean collectTargets) {
    return new RepositoryVerifier(store, now, collectTargets).run(trustedRoot);
  }

  private Report run(byte[] trustedRootBytes) {
    Map<String, TargetFile> targets = collectTargets ? new TreeMap<>() : null;
    Metadata<Root> root;
    try {
      root = Metadata.parseRoot(trustedRootBytes);
      root.signed().verifyDelegate(TufRole.ROOT, root);
    } catch (TufException e) {
      problem("trusted root: %s", e.getMessage());
      return report(0, 0, 0, 0, 0, targets);
    }
    // root rotations, one version at a time
    while (true) {
      int next = root.signed().version() + 1;
      Optional<byte[]> bytes = store.read(next + ".root.json");
      if (bytes.isEmpty()) {
        break;
      }
      try {
        Metadata<Root> newer = Metadata.parseRoot(bytes.get());
        root.signed().verifyDelegate(TufRole.ROOT, newer);
        newer.signed().verifyDelegate(TufRole.ROOT, newer);
        if (newer.signed().version() != next) {
          problem("%d.root.json has version %d", next, newer.signed().version());
          break;
        }
        root = newer;
      } catch (TufException e) {
        problem("%d.root.json: %s", next, e.getMessage());
        break;
      }
    }
    Root trusted = root.signed();
    expiry("root", trusted);

    Metadata<Timestamp> ts = load(MetadataStore.TIMESTAMP, Timestamp.class, null);
    if (ts == null) {
      return report(trusted.version(), 0, 0, 0, 0, targets);
    }
    check("timestamp", () -> trusted.verifyDelegate(TufRole.TIMESTAMP, ts));
    expiry("timestamp", ts.signed());
    MetaFile snapMeta = ts.signed().snapshotMeta();
    String snapName = snapMeta.version() + ".snapshot.json";
    Metadata<Snapshot> snap = load(snapName, Snapshot.class, snapMeta);
    if (snap == null) {
      return report(trusted.version(), ts.signed().version(), 0, 0, 0, targets);
    }
    check("snapshot", () -> trusted.verifyDelegate(TufRole.SNAPSHOT, snap));
    expiry("snapshot", snap.signed());
    versionMatches(snapName, snap.signed(), snapMeta);

    MetaFile targetsMeta = snap.signed().meta().get("targets.json");
    if (targetsMeta == null) {
      problem("snapshot does not list targets.json");
      return report(
          trusted.version(), ts.signed().version(), snap.signed().version(), 0, 0, targets);
    }
    String targetsName = targetsMeta.version() + ".targets.json";
    Metadata<Targets> top = load(targetsName, Targets.class, targetsMeta);
    int roles = 0;
    long count = 0;
    if (top != null) {
      check("targets", () -> trusted.verifyDelegate(TufRole.TARGETS, top));
      expiry("targets", top.signed());
      versionMatches(targetsName, top.signed(), targetsMeta);
      count += top.signed().targets().size();
      if (targets != null) {
        targets.putAll(top.signed().targets());
      }
      if (top.signed().delegations() != null) {
        SuccinctRoles bins = top.signed().delegations().succinctRoles();
        List<String> names = new ArrayList<>();
        if (bins != null) {
          names.addAll(bins.roleNames());
        } else {
          for (DelegatedRole r : top.signed().delegations().roles()) {
            names.add(r.name());
          }
        }
        for (String role : names) {
          MetaFile m = snap.signed().meta().get(role + ".json");
          if (m == null) {
            problem("snapshot does not list %s.json", role);
            continue;
          }
          String name = m.version() + "." + role + ".json";
          Metadata<Targets> md = load(name, Targets.class, m);
          roles++;
          if (md == null) {
            continue;
          }
          check(role, () -> top.signed().verifyDelegate(role, md));
          expiry(role, md.signed());
          versionMatches(name, md.signed(), m);
          for (String path : md.signed().targets().keySet()) {
            if (bins != null && !bins.roleForTarget(path).equals(role)) {
              problem("%s lists %s, which belongs in %s", name, path, bins.roleForTarget(path));
            }
            if (bins == null && !firstMatch(top.signed(), path).equals(role)) {
              problem(
                  "%s lists %s, which a client looks up in %s",
                  name, path, firstMatch(top.signed(), path));
            }
          }
          count += md.signed().targets().size();
          if (targets != null) {
            targets.putAll(md.signed().targets());
          }
        }
      }
    }
    return report(
        trusted.version(), ts.signed().version(), snap.signed().version(), roles, count, targets);
  }

  /** The custom role a client searches first for {@code path} (spec, preorder DFS), or "". */
  private static String firstMatch(Targets top, String path) {
    for (DelegatedRole r : top.delegations().roles()) {
      if (r.isDelegatedPath(path)) {
        return r.name();
      }
    }
    return "";
  }

  private <T extends Signed> Metadata<T> load(String name, Class<T> type, MetaFile meta) {
    Optional<byte[]> bytes = store.read(name);
    if (bytes.isEmpty()) {
      problem("%s is missing", name);
      return null;
    }
    byte[] b = bytes.get();
    if (meta != null) {
      if (meta.length() != null && meta.length() != b.length) {
        problem("%s has %d bytes, %d listed", name, b.length, meta.length());
      }
      String sha = meta.hashes().get("sha256");
      if (sha != null && !sha.equals(Sha256.hex(b))) {
        problem("%s does not match its listed sha256", name);
      }
    }
    try {
      return Metadata.parse(b, type);
    } catch (TufException e) {
      problem("%s: %s", name, e.getMessage());
      return null;
    }
  }

  private void versionMatches(String name, Signed s, MetaFile listed) {
    if (s.version() != listed.version()) {
      problem("%s has version %d, %d listed", name, s.version(), listed.version());
    }
  }

  private void expiry(String role, Signed s) {
    if (s.isExpired(now)) {
      problem("%s expired at %s", role, s.expires());
    }
  }

  private void check(String role, Runnable r) {
    try {
      r.run();
    } catch (TufException e) {
      problem("%s: %s", role, e.getMessage());
    }
  }

  private void problem(String format, Object... args) {
    problems.add(String.format(Locale.ROOT, format, args));
  }

  private Report report(
      int root, int ts, int snap, int roles, long count, Map<String, TargetFile> targets) {
    return new Report(List.copyOf(problems), root, ts, snap, roles, count, targets);
  }
}
