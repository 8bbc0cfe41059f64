package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.PublishVerificationException;
import dev.tufrepo.json.Json;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.UnsignedMetadataException;
import dev.tufrepo.model.internal.Sha256;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a new repository state the way a TUF client updating from the previous state would (<a
 * href="https://theupdateframework.github.io/specification/latest/#detailed-client-workflow">spec,
 * client workflow</a>): signatures and thresholds from the trusted root down, versions that never
 * go back, expiries in the future, snapshot and timestamp that agree with the files. A failure
 * throws {@link PublishVerificationException}, before anything is made visible.
 */
public final class ClientCheck {
  private ClientCheck() {}

  /**
   * Checks timestamp, snapshot and targets of {@code next} against {@code previous} (null at
   * bootstrap).
   */
  public static void checkTopLevel(RepoState previous, RepoState next, Instant now) {
    var root = next.root().signed();
    Metadata<Timestamp> ts = next.timestamp().metadata();
    Metadata<Snapshot> snap = next.snapshot().metadata();
    Metadata<Targets> targets = next.targets().metadata();
    verify(() -> root.verifyDelegate("timestamp", ts));
    verify(() -> root.verifyDelegate("snapshot", snap));
    verify(() -> root.verifyDelegate("targets", targets));
    notExpired("timestamp", ts.signed(), now);
    notExpired("snapshot", snap.signed(), now);
    notExpired("targets", targets.signed(), now);
    parsesBack("timestamp.json", next.timestamp().bytes(), ts);
    parsesBack("snapshot", next.snapshot().bytes(), snap);
    parsesBack("targets", next.targets().bytes(), targets);

    MetaFile snapMeta = ts.signed().snapshotMeta();
    if (snapMeta.version() != snap.signed().version()) {
      fail(
          "timestamp lists snapshot version %d, the new snapshot is %d",
          snapMeta.version(), snap.signed().version());
    }
    byte[] snapBytes = next.snapshot().bytes();
    if (snapMeta.length() != null && snapMeta.length() != snapBytes.length) {
      fail(
          "timestamp lists snapshot length %d, the file has %d bytes",
          snapMeta.length(), snapBytes.length);
    }
    String sha = snapMeta.hashes().get("sha256");
    if (sha != null && !sha.equals(Sha256.hex(snapBytes))) {
      fail("timestamp's sha256 of the snapshot does not match the file");
    }
    MetaFile targetsMeta = snap.signed().meta().get("targets.json");
    if (targetsMeta == null || targetsMeta.version() != targets.signed().version()) {
      fail("snapshot does not list targets.json at version %d", targets.signed().version());
    }
    if (next.targets().metadata().signed().delegations() == null) {
      fail("targets has no delegations");
    }
    if (next.bins() != null) {
      listsEveryBin(snap.signed().meta(), next.bins());
    } else {
      for (String role : RoleMap.of(next).names()) {
        if (!snap.signed().meta().containsKey(role + ".json")) {
          fail("snapshot does not list %s.json", role);
        }
      }
    }
    if (previous == null) {
      return;
    }
    Timestamp prevTs = previous.timestamp().metadata().signed();
    if (ts.signed().version() <= prevTs.version()) {
      fail("timestamp version %d does not grow past %d", ts.signed().version(), prevTs.version());
    }
    Snapshot prevSnap = previous.snapshot().metadata().signed();
    if (snap.signed().version() < prevSnap.version()) {
      fail("snapshot version %d is below %d", snap.signed().version(), prevSnap.version());
    }
    if (snap.signed().version() == prevSnap.version()
        && !Arrays.equals(next.snapshot().bytes(), previous.snapshot().bytes())) {
      fail("snapshot changed without a new version");
    }
    noRollback(prevSnap.meta(), snap.signed().meta());
    if (targets.signed().version() < previous.targets().metadata().signed().version()) {
      fail("targets version goes back");
    }
  }

  /** Checks one new bin: delegated signature, listed version, expiry, growth. */
  public static void checkBin(
      RepoState next,
      String bin,
      Metadata<Targets> md,
      int previousVersion,
      Instant now,
      boolean signature) {
    if (signature) {
      verify(() -> next.targets().metadata().signed().verifyDelegate(bin, md));
    }
    notExpired(bin, md.signed(), now);
    if (md.signed().version() <= previousVersion) {
      fail("%s version %d does not grow past %d", bin, md.signed().version(), previousVersion);
    }
    MetaFile listed = next.snapshot().metadata().signed().meta().get(bin + ".json");
    if (listed == null || listed.version() != md.signed().version()) {
      fail("snapshot does not list %s.json at version %d", bin, md.signed().version());
    }
  }

  /**
   * Every bin's file is listed in {@code meta}. Bin names are fixed-width lowercase hex and meta is
   * sorted by code point, so the bins' files come in index order among the other names: one walk
   * that looks for the next bin's name finds the first one missing.
   */
  static void listsEveryBin(Map<String, MetaFile> meta, SuccinctRoles bins) {
    long n = bins.numberOfBins();
    long next = 0;
    for (String name : meta.keySet()) {
      if (next < n && bins.isRoleName(name, next, ".json")) {
        next++;
      }
    }
    if (next < n) {
      fail("snapshot does not list %s.json", bins.roleName(next));
    }
  }

  /** Every file {@code previous} lists is still listed in {@code next}, at no lower version. */
  static void noRollback(Map<String, MetaFile> previous, Map<String, MetaFile> next) {
    Iterator<Map.Entry<String, MetaFile>> it = next.entrySet().iterator();
    Map.Entry<String, MetaFile> cur = it.hasNext() ? it.next() : null;
    for (Map.Entry<String, MetaFile> e : previous.entrySet()) {
      // usually the very next entry: equals first, the code point comparison only to skip others
      while (cur != null
          && !cur.getKey().equals(e.getKey())
          && Json.CODE_POINT_ORDER.compare(cur.getKey(), e.getKey()) < 0) {
        cur = it.hasNext() ? it.next() : null;
      }
      if (cur == null || !cur.getKey().equals(e.getKey())) {
        fail("snapshot no longer lists %s", e.getKey());
      } else if (cur.getValue().version() < e.getValue().version()) {
        fail(
            "snapshot rolls %s back from version %d to %d",
            e.getKey(), e.getValue().version(), cur.getValue().version());
      }
      cur = it.hasNext() ? it.next() : null;
    }
  }

  private static void notExpired(String role, Signed s, Instant now) {
    if (s.isExpired(now)) {
      fail("%s would be expired (expires %s)", role, s.expires());
    }
  }

  private static void parsesBack(String what, byte[] bytes, Metadata<?> md) {
    Metadata<?> parsed = Metadata.parse(bytes);
    if (!parsed.equals(md)) {
      fail("the %s file does not parse back to the signed metadata", what);
    }
  }

  private static void verify(Runnable check) {
    try {
      check.run();
    } catch (UnsignedMetadataException e) {
      throw new PublishVerificationException(e.getMessage());
    }
  }

  private static void fail(String format, Object... args) {
    throw new PublishVerificationException(String.format(java.util.Locale.ROOT, format, args));
  }
}
