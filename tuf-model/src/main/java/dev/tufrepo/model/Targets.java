package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Targets metadata, top-level or delegated (a bin is one): target files and optional delegations
 * (<a href="https://theupdateframework.github.io/specification/latest/#targets">spec,
 * targets.json</a>).
 *
 * @param delegations the delegations, or {@code null}
 */
public record Targets(
    String specVersion,
    int version,
    Instant expires,
    Map<String, TargetFile> targets,
    Delegations delegations,
    Map<String, JsonValue> unrecognized)
    implements Signed {
  public static final String TYPE = "targets";
  private static final String[] KNOWN = {
    "_type", "delegations", "expires", "spec_version", "targets", "version"
  };

  public Targets {
    expires = Common.check(specVersion, version, expires);
    targets = Json.sortedMap(Objects.requireNonNull(targets, "targets"));
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  /** An empty targets role (a new bin). */
  public static Targets empty(int version, Instant expires) {
    return new Targets(SPEC_VERSION, version, expires, Map.of(), null, Map.of());
  }

  @Override
  public String type() {
    return TYPE;
  }

  public Targets withVersion(int newVersion) {
    return new Targets(specVersion, newVersion, expires, targets, delegations, unrecognized);
  }

  public Targets withExpires(Instant newExpires) {
    return new Targets(specVersion, version, newExpires, targets, delegations, unrecognized);
  }

  public Targets withTargets(Map<String, TargetFile> newTargets) {
    return new Targets(specVersion, version, expires, newTargets, delegations, unrecognized);
  }

  public Targets withDelegations(Delegations newDelegations) {
    return new Targets(specVersion, version, expires, targets, newDelegations, unrecognized);
  }

  /**
   * Verifies that {@code delegate} (metadata of role {@code roleName}) is signed by a threshold of
   * the keys this role delegates it to: a listed role, or a bin of the succinct delegation.
   *
   * @throws IllegalArgumentException if this role does not delegate to {@code roleName}
   * @throws UnsignedMetadataException if the threshold is not met
   */
  public void verifyDelegate(String roleName, Metadata<?> delegate) {
    if (delegations == null) {
      throw new IllegalArgumentException("no delegations: cannot verify " + roleName);
    }
    SuccinctRoles bins = delegations.succinctRoles();
    if (bins != null && bins.isDelegatedRole(roleName)) {
      Verification.verify(
          roleName, new Role(bins.keyids(), bins.threshold()), delegations.keys(), delegate);
      return;
    }
    if (delegations.roles() != null) {
      for (DelegatedRole r : delegations.roles()) {
        if (r.name().equals(roleName)) {
          Verification.verify(
              roleName, new Role(r.keyids(), r.threshold()), delegations.keys(), delegate);
          return;
        }
      }
    }
    throw new IllegalArgumentException("role " + roleName + " is not delegated by this role");
  }

  static Targets fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    Common.Header h = Common.read(f, TYPE);
    Fields targetsField = f.object("targets");
    Json.SortedMapBuilder<TargetFile> targets =
        new Json.SortedMapBuilder<>(targetsField.members().size());
    for (Map.Entry<String, JsonValue> e : targetsField.members().entrySet()) {
      targets.put(e.getKey(), TargetFile.fromJson(e.getValue(), targetsField.path(e.getKey())));
    }
    Delegations delegations =
        f.has("delegations")
            ? Delegations.fromJson(f.required("delegations"), f.path("delegations"))
            : null;
    Map<String, JsonValue> rest = f.unrecognized();
    Map<String, TargetFile> frozen = targets.build();
    return f.build(
        () -> new Targets(h.specVersion(), h.version(), h.expires(), frozen, delegations, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          switch (i) {
            case 1 -> {
              if (delegations != null) {
                w.name("delegations");
                delegations.writeTo(w);
              }
            }
            case 4 -> {
              w.name("targets");
              Json.writeObject(w, targets);
            }
            default -> Common.write(w, KNOWN[i], this);
          }
        });
    w.endObject();
  }
}
