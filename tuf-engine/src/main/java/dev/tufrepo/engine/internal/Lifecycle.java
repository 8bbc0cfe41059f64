package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.TufRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Settings and configuration views of the lifecycle tasks (RSTUF {@code update_settings}). */
public final class Lifecycle {
  public static final Set<String> TOP_LEVEL =
      Set.of(TufRole.ROOT, TufRole.TARGETS, TufRole.SNAPSHOT, TufRole.TIMESTAMP);

  private Lifecycle() {}

  /** The outcome of an {@code update_settings} request. */
  public record SettingsUpdate(
      RepositorySettings settings,
      Map<String, String> values,
      List<String> updated,
      List<String> invalid) {
    public JsonObject details() {
      return JsonObject.of(
          Map.of(
              "updated_roles", strings(updated),
              "invalid_roles", strings(invalid)));
    }
  }

  /**
   * Applies new expiration days: a role is valid when it already has an expiration setting (as in
   * RSTUF) and the days are between 1 and 36500.
   */
  public static SettingsUpdate updateSettings(
      RepositorySettings current, Map<String, Integer> days, boolean bins) {
    Map<String, Integer> next = new HashMap<>(current.expirationDays());
    Map<String, String> values = new HashMap<>();
    List<String> updated = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (Map.Entry<String, Integer> e : new TreeMap<>(days).entrySet()) {
      String role = e.getKey();
      Integer d = e.getValue();
      boolean known =
          current.expirationDays().containsKey(role)
              && (bins || !role.equals(RepositorySettings.BINS));
      if (!known || d == null || d < 1 || d > 36500) {
        invalid.add(role);
        continue;
      }
      next.put(role, d);
      if (SettingKeys.ROLES.contains(role)) {
        values.put(SettingKeys.expiration(role), Integer.toString(d));
      }
      updated.add(role);
    }
    // custom delegated roles keep their periods in one JSON setting
    values.put(SettingKeys.DELEGATION_EXPIRATION, SettingKeys.customExpirationsJson(next));
    RepositorySettings s =
        new RepositorySettings(
            next, current.numberOfBins(), current.onlineKeyId(), current.onlineKeyUri());
    return new SettingsUpdate(s, values, updated, invalid);
  }

  /** RSTUF's {@code GET /config} data for a bootstrapped repository. */
  public static Map<String, JsonValue> config(RepoState state, String bootstrap) {
    Map<String, JsonValue> m = new TreeMap<>();
    if (bootstrap != null) {
      m.put("bootstrap", new JsonString(bootstrap));
    }
    RepositorySettings s = state.settings();
    boolean bins = state.bins() != null;
    for (Map.Entry<String, Integer> e : s.expirationDays().entrySet()) {
      if (!bins && e.getKey().equals(RepositorySettings.BINS)) {
        continue;
      }
      String role = e.getKey().toLowerCase(Locale.ROOT);
      m.put(role + "_expiration", new JsonNumber(e.getValue()));
      int threshold = 1;
      int keys = 1;
      if (role.equals(TufRole.ROOT)) {
        threshold = state.root().signed().role(TufRole.ROOT).threshold();
        keys = state.root().signed().role(TufRole.ROOT).keyids().size();
      }
      m.put(role + "_threshold", new JsonNumber(threshold));
      m.put(role + "_num_keys", new JsonNumber(keys));
    }
    if (bins) {
      m.put("number_of_delegated_bins", new JsonNumber(s.numberOfBins()));
    }
    m.put("targets_online_key", JsonBoolean.of(true));
    m.put("online_key_id", new JsonString(s.onlineKeyId()));
    return m;
  }

  static JsonArray strings(List<String> values) {
    List<JsonValue> out = new ArrayList<>(values.size());
    for (String v : values) {
      out.add(new JsonString(v));
    }
    return new JsonArray(out);
  }
}
