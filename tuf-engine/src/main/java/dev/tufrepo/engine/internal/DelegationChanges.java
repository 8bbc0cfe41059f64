package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.DelegationAction;
import dev.tufrepo.engine.internal.CustomDelegations.Failure;
import dev.tufrepo.engine.internal.CustomDelegations.RoleSpec;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.model.DelegatedRole;
import dev.tufrepo.model.Delegations;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Signer;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Verification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Plans the effect of a custom-delegations request (RSTUF {@code metadata_delegation}, reference
 * rstuf-worker section 5) without its bugs: a role the online key can sign is published at once
 * with an expiry of now + its policy (never born expired); a role needing offline keys waits in a
 * signing session and joins targets only when signed, so nothing published delegates to an unsigned
 * role; a deleted name is never used again; a deleted role stays listed in snapshot at its last
 * version (spec 5.5.5: a new snapshot keeps every file the trusted one lists) and no published file
 * is rewritten.
 */
public final class DelegationChanges {
  private DelegationChanges() {}

  /**
   * What to do.
   *
   * @param delegations targets' new delegations, or null when they do not change
   * @param roleFiles role files to publish with it
   * @param sessions signing sessions to set (a null value clears one)
   * @param pendingSpecs delegation entries waiting for their role's signatures (null clears)
   * @param expirations custom role validity in days (null removes)
   */
  public record Plan(
      Delegations delegations,
      Map<String, SignedFile<Targets>> roleFiles,
      Map<String, String> sessions,
      Map<String, String> pendingSpecs,
      Map<String, Integer> expirations,
      List<String> newlyUsed,
      List<String> done,
      List<Failure> failed) {}

  /**
   * @param used every name ever given to a role
   * @param pending roles waiting for signatures, with their delegation entries
   * @param content the current targets of a published role
   */
  public static Plan plan(
      RepoState state,
      DelegationAction action,
      CustomDelegations.Request req,
      Set<String> used,
      Map<String, RoleSpec> pending,
      Signer online,
      Function<String, Map<String, TargetFile>> content,
      Instant now) {
    Delegations current = state.targets().metadata().signed().delegations();
    List<DelegatedRole> roles = new ArrayList<>(current.roles());
    Map<String, Key> keys = new HashMap<>(current.keys());
    Builder b = new Builder(req.failed());
    String onlineId = state.settings().onlineKeyId();
    if (action == DelegationAction.DELETE) {
      for (String name : req.names()) {
        int i = indexOf(roles, name);
        if (i < 0 && !pending.containsKey(name)) {
          b.failed.add(new Failure(name, new JsonString("Role '" + name + "' does not exists")));
          continue;
        }
        if (i >= 0) {
          roles.remove(i);
        }
        b.sessions.put(name, null);
        b.pendingSpecs.put(name, null);
        b.expirations.put(name, null);
        b.done.add(name);
      }
    } else {
      for (RoleSpec s : req.roles()) {
        String name = s.role().name();
        int i = indexOf(roles, name);
        boolean exists = i >= 0 || pending.containsKey(name);
        if (action == DelegationAction.ADD && (exists || used.contains(name))) {
          b.failed.add(
              new Failure(
                  name,
                  new JsonArray(
                      List.of(new JsonString("role already exists or name used in the past")))));
          continue;
        }
        if (action == DelegationAction.UPDATE && !exists) {
          b.failed.add(new Failure(name, new JsonString("Role '" + name + "' does not exists")));
          continue;
        }
        if (action == DelegationAction.ADD) {
          b.newlyUsed.add(name);
        }
        b.expirations.put(name, s.expireDays());
        boolean published = i >= 0;
        int version = published ? state.version(name) : 0;
        Map<String, TargetFile> targets = published ? content.apply(name) : Map.of();
        DelegatedRole before = published ? roles.get(i) : null;
        if (before != null
            && !s.online(onlineId)
            && before.keyids().equals(s.role().keyids())
            && before.threshold() == s.role().threshold()) {
          // same offline signers: only the delegation entry changes, the role file stays valid
          roles.set(i, s.role());
          keys.putAll(s.keys());
          b.done.add(name);
          continue;
        }
        Targets t =
            new Targets(
                Signed.SPEC_VERSION,
                version + 1,
                now.plus(java.time.Duration.ofDays(s.expireDays())),
                targets,
                null,
                Map.of());
        Metadata<Targets> md =
            s.role().keyids().contains(onlineId)
                ? SignedFile.sign(t, online).metadata()
                : Metadata.of(t);
        if (complete(s, md)) {
          if (published) {
            roles.set(i, s.role());
          } else {
            roles.add(s.role());
          }
          keys.putAll(s.keys());
          b.roleFiles.put(name, new SignedFile<>(md, md.toJson()));
          b.sessions.put(name, null);
          b.pendingSpecs.put(name, null);
        } else {
          b.sessions.put(name, new String(md.toJson(), java.nio.charset.StandardCharsets.UTF_8));
          b.pendingSpecs.put(name, s.toJsonText());
        }
        b.done.add(name);
      }
    }
    Delegations next =
        roles.equals(current.roles()) && keys.equals(current.keys())
            ? null
            : new Delegations(pruned(keys, roles), roles, null, current.unrecognized());
    return b.build(next);
  }

  /** The plan that publishes {@code md}, now signed by a threshold of {@code spec}'s keys. */
  public static Plan complete(RepoState state, RoleSpec spec, Metadata<Targets> md) {
    Delegations current = state.targets().metadata().signed().delegations();
    List<DelegatedRole> roles = new ArrayList<>(current.roles());
    String name = spec.role().name();
    int i = indexOf(roles, name);
    if (i >= 0) {
      roles.set(i, spec.role());
    } else {
      roles.add(spec.role());
    }
    Map<String, Key> keys = new HashMap<>(current.keys());
    keys.putAll(spec.keys());
    Builder b = new Builder(List.of());
    b.roleFiles.put(name, new SignedFile<>(md, md.toJson()));
    b.sessions.put(name, null);
    b.pendingSpecs.put(name, null);
    b.done.add(name);
    return b.build(new Delegations(pruned(keys, roles), roles, null, current.unrecognized()));
  }

  /** Whether a threshold of {@code spec}'s keys signed {@code md}. */
  public static boolean complete(RoleSpec spec, Metadata<Targets> md) {
    Role role = new Role(spec.role().keyids(), spec.role().threshold());
    return Verification.countValid(role, spec.keys(), md.signedBytes(), md) >= role.threshold();
  }

  /** The first delegation, at bootstrap: the online key and no roles yet. */
  public static Delegations empty(String onlineId, Key onlineKey) {
    return new Delegations(Map.of(onlineId, onlineKey), List.of(), null, Map.of());
  }

  private static Map<String, Key> pruned(Map<String, Key> keys, List<DelegatedRole> roles) {
    Set<String> usedKeys = new HashSet<>();
    for (DelegatedRole r : roles) {
      usedKeys.addAll(r.keyids());
    }
    Map<String, Key> out = new HashMap<>();
    for (Map.Entry<String, Key> e : keys.entrySet()) {
      if (usedKeys.contains(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static int indexOf(List<DelegatedRole> roles, String name) {
    for (int i = 0; i < roles.size(); i++) {
      if (roles.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static final class Builder {
    final Map<String, SignedFile<Targets>> roleFiles = new LinkedHashMap<>();
    final Map<String, String> sessions = new HashMap<>();
    final Map<String, String> pendingSpecs = new HashMap<>();
    final Map<String, Integer> expirations = new HashMap<>();
    final List<String> newlyUsed = new ArrayList<>();
    final List<String> done = new ArrayList<>();
    final List<Failure> failed;

    Builder(List<Failure> failed) {
      this.failed = new ArrayList<>(failed);
    }

    Plan build(Delegations next) {
      return new Plan(
          next, roleFiles, sessions, pendingSpecs, expirations, newlyUsed, done, failed);
    }
  }
}
