package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.DelegationAction;
import dev.tufrepo.engine.InvalidRequestException;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.DelegatedRole;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Root;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * RSTUF's {@code TUFDelegations} payload ({@code {"keys": {...}, "roles": [{"name", "terminating",
 * "keyids", "threshold", "paths", "x-rstuf-expire-policy"}]}}), read into role specifications. A
 * role without keyids is signed by the online key. Errors in the payload's structure or a bad role
 * name refuse the whole request ({@link InvalidRequestException}); a role that is well formed but
 * cannot be applied is reported as a failed role, as RSTUF does.
 */
public final class CustomDelegations {
  public static final String EXPIRE_POLICY = "x-rstuf-expire-policy";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]+");

  private CustomDelegations() {}

  /** One role of the payload: its delegation entry (keyids filled in) and validity in days. */
  public record RoleSpec(DelegatedRole role, int expireDays, Map<String, Key> keys) {
    public boolean online(String onlineKeyId) {
      return role.threshold() == 1 && role.keyids().equals(List.of(onlineKeyId));
    }

    /** As a JSON object {@code {"role": <delegated role>, "keys": {...}, "expire": days}}. */
    public String toJsonText() {
      JsonWriter w = JsonWriter.json(512);
      w.beginObject();
      w.name("expire").value(expireDays);
      w.name("keys").beginObject();
      for (Map.Entry<String, Key> e : new java.util.TreeMap<>(keys).entrySet()) {
        w.name(e.getKey());
        e.getValue().writeTo(w);
      }
      w.endObject();
      w.name("role");
      role.writeTo(w);
      w.endObject();
      return new String(w.toByteArray(), StandardCharsets.UTF_8);
    }

    public static RoleSpec fromJsonText(String text) {
      JsonObject o = (JsonObject) Json.parse(text);
      Map<String, Key> keys = new HashMap<>();
      ((JsonObject) o.get("keys"))
          .members()
          .forEach((id, k) -> keys.put(id, Key.fromJson(k, "keys." + id)));
      JsonObject r = (JsonObject) o.get("role");
      return new RoleSpec(
          readRole(r, "role"), (int) ((JsonNumber) o.get("expire")).value(), Map.copyOf(keys));
    }
  }

  /** A role that could not be applied, with RSTUF's reason value (a string or an array). */
  public record Failure(String role, JsonValue reason) {
    public JsonObject toJson() {
      return JsonObject.of(Map.of("role", new JsonString(role), "reason", reason));
    }
  }

  /** The parsed payload: roles to apply, in order, and roles refused already. */
  public record Request(List<RoleSpec> roles, List<String> names, List<Failure> failed) {}

  /**
   * Reads a payload. For {@link DelegationAction#DELETE} only role names are read.
   *
   * @param onlineKeyId the key given to roles without keyids
   * @param knownKeys keys the payload may refer to without listing them (the current delegation's)
   */
  public static Request parse(
      byte[] json, DelegationAction action, String onlineKeyId, Map<String, Key> knownKeys) {
    JsonValue doc;
    try {
      doc = Json.parse(json);
    } catch (RuntimeException e) {
      throw new InvalidRequestException("delegations", "is not valid JSON: " + e.getMessage());
    }
    if (!(doc instanceof JsonObject o)) {
      throw new InvalidRequestException("delegations", "must be an object");
    }
    if (!(o.get("roles") instanceof JsonArray roles) || roles.values().isEmpty()) {
      throw new InvalidRequestException("delegations.roles", "must be a non-empty array");
    }
    Map<String, Key> keys = new HashMap<>(knownKeys);
    if (action != DelegationAction.DELETE && o.get("keys") != null) {
      if (!(o.get("keys") instanceof JsonObject ko)) {
        throw new InvalidRequestException("delegations.keys", "must be an object");
      }
      for (Map.Entry<String, JsonValue> e : ko.members().entrySet()) {
        try {
          keys.put(e.getKey(), Key.fromJson(e.getValue(), "delegations.keys." + e.getKey()));
        } catch (dev.tufrepo.TufException ex) {
          throw new InvalidRequestException("delegations.keys." + e.getKey(), ex.getMessage());
        }
      }
    }
    List<RoleSpec> specs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Failure> failed = new ArrayList<>();
    for (int i = 0; i < roles.values().size(); i++) {
      String path = "delegations.roles[" + i + "]";
      if (!(roles.values().get(i) instanceof JsonObject r)) {
        throw new InvalidRequestException(path, "must be an object");
      }
      String name = r.get("name") instanceof JsonString s ? s.value() : null;
      checkName(path + ".name", name);
      if (names.contains(name)) {
        throw new InvalidRequestException(path + ".name", "role " + name + " is listed twice");
      }
      names.add(name);
      if (action == DelegationAction.DELETE) {
        continue;
      }
      String reason = problem(r, keys);
      if (reason != null) {
        failed.add(new Failure(name, new JsonString(reason)));
        continue;
      }
      specs.add(spec(r, path, onlineKeyId, keys));
    }
    return new Request(specs, names, failed);
  }

  /** RSTUF's name rule on every endpoint, and never the name of a top-level role. */
  public static void checkName(String field, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(field, "role names match [a-zA-Z0-9_-]+");
    }
    if (Root.TOP_LEVEL_ROLES.contains(name)) {
      throw new InvalidRequestException(field, name + " is a top-level role");
    }
  }

  private static String problem(JsonObject r, Map<String, Key> keys) {
    if (!(r.get(EXPIRE_POLICY) instanceof JsonNumber days)
        || days.value() < 1
        || days.value() > 36500) {
      return EXPIRE_POLICY + " must be a number of days from 1 to 36500";
    }
    if (!(r.get("paths") instanceof JsonArray paths) || paths.values().isEmpty()) {
      return "paths must be a non-empty list of patterns";
    }
    for (JsonValue p : paths.values()) {
      if (!(p instanceof JsonString s) || s.value().isEmpty()) {
        return "paths must be a non-empty list of patterns";
      }
    }
    List<String> keyids = strings(r.get("keyids"));
    if (keyids == null) {
      return "keyids must be a list of key ids";
    }
    long threshold = r.get("threshold") instanceof JsonNumber n ? n.value() : 1;
    if (keyids.isEmpty() && threshold != 1) {
      return "If no keys assigned threshold must be 1";
    }
    if (threshold < 1 || (!keyids.isEmpty() && threshold > keyids.size())) {
      return "threshold must be between 1 and the number of keyids";
    }
    for (String id : keyids) {
      if (!keys.containsKey(id)) {
        return "key " + id + " is not in delegations.keys";
      }
    }
    if (r.get("terminating") != null && !(r.get("terminating") instanceof JsonBoolean)) {
      return "terminating must be a boolean";
    }
    return null;
  }

  private static RoleSpec spec(
      JsonObject r, String path, String onlineKeyId, Map<String, Key> keys) {
    List<String> keyids = new ArrayList<>(strings(r.get("keyids")));
    if (keyids.isEmpty()) {
      keyids.add(onlineKeyId);
    }
    Map<String, JsonValue> m = new LinkedHashMap<>(r.members());
    m.put(
        "keyids", new JsonArray(keyids.stream().map(s -> (JsonValue) new JsonString(s)).toList()));
    m.putIfAbsent("threshold", new JsonNumber(1));
    m.putIfAbsent("terminating", JsonBoolean.of(false));
    DelegatedRole role = readRole(JsonObject.of(m), path);
    Map<String, Key> used = new HashMap<>();
    for (String id : keyids) {
      if (keys.containsKey(id)) {
        used.put(id, keys.get(id));
      }
    }
    int days = (int) ((JsonNumber) r.get(EXPIRE_POLICY)).value();
    return new RoleSpec(role, days, Map.copyOf(used));
  }

  static DelegatedRole readRole(JsonObject r, String path) {
    try {
      Map<String, JsonValue> rest = new HashMap<>(r.members());
      for (String k :
          List.of("name", "keyids", "threshold", "terminating", "paths", "path_hash_prefixes")) {
        rest.remove(k);
      }
      return new DelegatedRole(
          ((JsonString) r.get("name")).value(),
          strings(r.get("keyids")),
          (int) ((JsonNumber) r.get("threshold")).value(),
          ((JsonBoolean) r.get("terminating")).value(),
          strings(r.get("paths")),
          null,
          rest);
    } catch (dev.tufrepo.TufException | ClassCastException e) {
      throw new InvalidRequestException(path, String.valueOf(e.getMessage()));
    }
  }

  private static List<String> strings(JsonValue v) {
    if (!(v instanceof JsonArray a)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonValue x : a.values()) {
      if (!(x instanceof JsonString s)) {
        return null;
      }
      out.add(s.value());
    }
    return out;
  }
}
