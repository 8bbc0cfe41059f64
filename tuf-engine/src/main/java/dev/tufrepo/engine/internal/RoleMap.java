package dev.tufrepo.engine.internal;

import dev.tufrepo.model.DelegatedRole;
import dev.tufrepo.model.Delegations;
import dev.tufrepo.model.SuccinctRoles;
import java.util.ArrayList;
import java.util.List;

/**
 * The delegated roles of top-level targets that hold artifacts, by index: the succinct hash bins,
 * or custom roles in delegation order, where a target goes to the first role whose paths match it
 * (the order a client searches them in, <a
 * href="https://theupdateframework.github.io/specification/latest/#targets-metadata">spec,
 * delegations</a>). A role is online when the online key alone can sign it.
 */
public final class RoleMap {
  private final SuccinctRoles bins;
  private final List<DelegatedRole> roles;
  private final boolean[] online;

  private RoleMap(SuccinctRoles bins, List<DelegatedRole> roles, boolean[] online) {
    this.bins = bins;
    this.roles = roles;
    this.online = online;
  }

  public static RoleMap of(RepoState state) {
    Delegations d = state.targets().metadata().signed().delegations();
    if (d == null) {
      return new RoleMap(null, List.of(), new boolean[0]);
    }
    if (d.succinctRoles() != null) {
      return new RoleMap(d.succinctRoles(), null, null);
    }
    List<DelegatedRole> roles = d.roles();
    boolean[] online = new boolean[roles.size()];
    String key = state.settings().onlineKeyId();
    for (int i = 0; i < roles.size(); i++) {
      DelegatedRole r = roles.get(i);
      online[i] = r.threshold() == 1 && r.keyids().equals(List.of(key));
    }
    return new RoleMap(null, roles, online);
  }

  public int size() {
    return bins != null ? (int) bins.numberOfBins() : roles.size();
  }

  public String name(int i) {
    return bins != null ? bins.roleName(i) : roles.get(i).name();
  }

  public boolean online(int i) {
    return bins != null || online[i];
  }

  /** The index of the role {@code path} goes to, or -1 when no role is trusted for it. */
  public int index(String path) {
    if (bins != null) {
      return (int) bins.binIndex(path);
    }
    for (int i = 0; i < roles.size(); i++) {
      if (roles.get(i).isDelegatedPath(path)) {
        return i;
      }
    }
    return -1;
  }

  /** Names of the roles the online key alone signs. */
  public List<String> onlineNames() {
    if (bins != null) {
      return bins.roleNames();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < roles.size(); i++) {
      if (online[i]) {
        out.add(roles.get(i).name());
      }
    }
    return out;
  }

  /** Names of every delegated role. */
  public List<String> names() {
    if (bins != null) {
      return bins.roleNames();
    }
    return roles.stream().map(DelegatedRole::name).toList();
  }
}
