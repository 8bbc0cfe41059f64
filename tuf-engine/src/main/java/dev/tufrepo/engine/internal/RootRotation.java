package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.DelegatedRole;
import dev.tufrepo.model.Delegations;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyFormatException;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.model.Verification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules of a root update (<a
 * href="https://theupdateframework.github.io/specification/latest/#update-the-root-role">spec
 * 5.3</a>): the new root is the trusted version + 1, and a threshold of the trusted root's root
 * keys and a threshold of its own root keys signed it. A signature counts when it is valid under
 * either root. Plus what the engine needs to keep running: consistent snapshots and an online key
 * that signs targets, snapshot and timestamp alone.
 */
public final class RootRotation {
  private RootRotation() {}

  /** Why {@code candidate} cannot follow {@code trusted}, or null when it can. */
  public static String problem(Root trusted, Metadata<Root> candidate, Instant now) {
    Root r = candidate.signed();
    if (r.version() != trusted.version() + 1) {
      return String.format(
          Locale.ROOT,
          "new root version %d must be the trusted version %d + 1",
          r.version(),
          trusted.version());
    }
    if (!Boolean.TRUE.equals(r.consistentSnapshot())) {
      return "new root must have consistent_snapshot true";
    }
    if (!r.expires().isAfter(now)) {
      return "new root expires at " + r.expires() + ", which is not in the future";
    }
    try {
      Bootstrapper.checkOnlineRoles(r);
    } catch (dev.tufrepo.engine.InvalidRequestException e) {
      return e.getMessage();
    }
    for (Signature s : candidate.signatures()) {
      if (!counts(s, trusted, candidate)) {
        return "the signature of key " + s.keyid() + " is not valid under the trusted or new root";
      }
    }
    return null;
  }

  /** Whether {@code s} is a valid signature over {@code candidate} by a root key of either. */
  public static boolean counts(Signature s, Root trusted, Metadata<Root> candidate) {
    byte[] bytes = candidate.signedBytes();
    return validUnder(s, trusted, bytes) || validUnder(s, candidate.signed(), bytes);
  }

  /** Whether {@code s} is a valid signature over {@code bytes} by a root key of {@code root}. */
  public static boolean validUnder(Signature s, Root root, byte[] bytes) {
    Key key = root.keys().get(s.keyid());
    if (key == null || !root.role(TufRole.ROOT).keyids().contains(s.keyid())) {
      return false;
    }
    try {
      return key.verify(bytes, s.sig());
    } catch (KeyFormatException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether the thresholds of both the trusted and the new root hold. */
  public static boolean complete(Root trusted, Metadata<Root> candidate) {
    byte[] bytes = candidate.signedBytes();
    Role oldRole = trusted.role(TufRole.ROOT);
    Role newRole = candidate.signed().role(TufRole.ROOT);
    return Verification.countValid(oldRole, trusted.keys(), bytes, candidate) >= oldRole.threshold()
        && Verification.countValid(newRole, candidate.signed().keys(), bytes, candidate)
            >= newRole.threshold();
  }

  /** The online key id of {@code root}: the first keyid of its timestamp role. */
  public static String onlineKeyId(Root root) {
    return root.role(TufRole.TIMESTAMP).keyids().get(0);
  }

  /** The settings with the online key (id and vault URI) of {@code root}. */
  public static RepositorySettings settingsFor(RepositorySettings current, Root root) {
    String id = onlineKeyId(root);
    JsonValue uri = root.keys().get(id).unrecognized().get(Bootstrapper.URI_FIELD);
    String u = uri instanceof JsonString js ? js.value() : "fn:" + id;
    return new RepositorySettings(current.expirationDays(), current.numberOfBins(), id, u);
  }

  /**
   * {@code targets} with its delegations moved from the online key {@code oldId} to {@code newKey}:
   * the succinct bins' keyid, or every delegated role that used the old key.
   */
  public static Targets moveDelegations(Targets targets, String oldId, String newId, Key newKey) {
    Delegations d = targets.delegations();
    if (d == null) {
      return targets;
    }
    Map<String, Key> keys = new HashMap<>(d.keys());
    keys.put(newId, newKey);
    Delegations moved;
    if (d.succinctRoles() != null) {
      SuccinctRoles b = d.succinctRoles();
      moved =
          new Delegations(
              keys,
              null,
              new SuccinctRoles(
                  replace(b.keyids(), oldId, newId),
                  b.threshold(),
                  b.bitLength(),
                  b.namePrefix(),
                  b.unrecognized()),
              d.unrecognized());
    } else {
      List<DelegatedRole> roles = new ArrayList<>();
      for (DelegatedRole r : d.roles()) {
        roles.add(
            new DelegatedRole(
                r.name(),
                replace(r.keyids(), oldId, newId),
                r.threshold(),
                r.terminating(),
                r.paths(),
                r.pathHashPrefixes(),
                r.unrecognized()));
      }
      moved = new Delegations(keys, roles, null, d.unrecognized());
    }
    if (!stillUsed(moved, oldId)) {
      keys.remove(oldId);
      moved = new Delegations(keys, moved.roles(), moved.succinctRoles(), moved.unrecognized());
    }
    return targets.withDelegations(moved);
  }

  private static boolean stillUsed(Delegations d, String keyid) {
    if (d.succinctRoles() != null) {
      return d.succinctRoles().keyids().contains(keyid);
    }
    for (DelegatedRole r : d.roles()) {
      if (r.keyids().contains(keyid)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> replace(List<String> ids, String oldId, String newId) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      String v = id.equals(oldId) ? newId : id;
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }
}
