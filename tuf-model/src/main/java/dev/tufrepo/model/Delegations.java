package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonPath;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code delegations} of a targets role: the keys of the delegated roles, and either a list of
 * {@link DelegatedRole}s or one {@link SuccinctRoles} (never both, TAP 15).
 *
 * @param roles the delegated roles in priority order, or {@code null} with succinct roles
 * @param succinctRoles the hash bins, or {@code null} with a role list
 */
public record Delegations(
    Map<String, Key> keys,
    List<DelegatedRole> roles,
    SuccinctRoles succinctRoles,
    Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"keys", "roles", "succinct_roles"};

  public Delegations {
    keys = Json.sortedMap(Objects.requireNonNull(keys, "keys"));
    if ((roles == null) == (succinctRoles == null)) {
      throw new MetadataFormatException(
          "roles", "exactly one of roles and succinct_roles must be set");
    }
    if (roles != null) {
      roles = List.copyOf(roles);
      Set<String> names = new HashSet<>();
      for (int i = 0; i < roles.size(); i++) {
        String name = roles.get(i).name();
        if (Root.TOP_LEVEL_ROLES.contains(name)) {
          throw new MetadataFormatException(
              "roles[" + i + "].name", "\"" + name + "\" is the name of a top-level role");
        }
        if (!names.add(name)) {
          throw new MetadataFormatException(
              "roles[" + i + "].name", "role \"" + name + "\" is listed twice");
        }
      }
    }
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  /** Hash-bin delegations with the given keys. */
  public static Delegations succinct(Map<String, Key> keys, SuccinctRoles bins) {
    return new Delegations(keys, null, bins, Map.of());
  }

  static Delegations fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    Fields keysField = f.object("keys");
    Map<String, Key> keys = new TreeMap<>(Json.CODE_POINT_ORDER);
    for (Map.Entry<String, JsonValue> e : keysField.members().entrySet()) {
      keys.put(e.getKey(), Key.fromJson(e.getValue(), keysField.path(e.getKey())));
    }
    List<DelegatedRole> roles = null;
    if (f.has("roles")) {
      JsonArray a = f.array("roles");
      roles = new ArrayList<>(a.values().size());
      for (int i = 0; i < a.values().size(); i++) {
        roles.add(DelegatedRole.fromJson(a.values().get(i), JsonPath.element(f.path("roles"), i)));
      }
    }
    SuccinctRoles succinct =
        f.has("succinct_roles")
            ? SuccinctRoles.fromJson(f.required("succinct_roles"), f.path("succinct_roles"))
            : null;
    Map<String, JsonValue> rest = f.unrecognized();
    List<DelegatedRole> r = roles;
    return f.build(() -> new Delegations(keys, r, succinct, rest));
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
            case 0 -> {
              w.name("keys").beginObject();
              for (Map.Entry<String, Key> e : keys.entrySet()) {
                w.name(e.getKey());
                e.getValue().writeTo(w);
              }
              w.endObject();
            }
            case 1 -> {
              if (roles != null) {
                w.name("roles").beginArray();
                for (DelegatedRole r : roles) {
                  r.writeTo(w);
                }
                w.endArray();
              }
            }
            default -> {
              if (succinctRoles != null) {
                w.name("succinct_roles");
                succinctRoles.writeTo(w);
              }
            }
          }
        });
    w.endObject();
  }
}
