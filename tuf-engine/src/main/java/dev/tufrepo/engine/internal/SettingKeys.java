package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.storage.StateStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names of the settings the engine keeps in the {@link StateStore}, after RSTUF's where it has one.
 */
public final class SettingKeys {
  /**
   * None, {@code pre-<task>}, {@code signing-<task>} or the finished bootstrap's {@code <task>}.
   */
  public static final String BOOTSTRAP = "BOOTSTRAP";

  public static final String NUMBER_OF_DELEGATED_BINS = "NUMBER_OF_DELEGATED_BINS";
  public static final String ONLINE_KEY_ID = "ONLINE_KEY_ID";
  public static final String ONLINE_KEY_URI = "ONLINE_KEY_URI";

  /** The last committed {@code timestamp.json}, so a crash before it was written is repaired. */
  public static final String TIMESTAMP_JSON = "TIMESTAMP_JSON";

  public static final String ROOT_SIGNING = "ROOT_SIGNING";

  /** Custom delegated roles' validity in days, as a JSON object {role: days}. */
  public static final String DELEGATION_EXPIRATION = "DELEGATION_EXPIRATION";

  /** Every name ever given to a custom delegated role (JSON array): never used again. */
  public static final String DELEGATIONS_USED = "DELEGATIONS_USED";

  /** Delegation entries of roles waiting for offline signatures (JSON object {role: spec}). */
  public static final String DELEGATION_PENDING = "DELEGATION_PENDING";

  /** The settings of a bootstrap waiting in the signing state, to finish it with. */
  public static final String BOOTSTRAP_REQUEST = "BOOTSTRAP_REQUEST";

  public static final List<String> ROLES =
      List.of("root", "targets", "snapshot", "timestamp", "bins");

  private SettingKeys() {}

  public static String expiration(String role) {
    return role.toUpperCase(java.util.Locale.ROOT) + "_EXPIRATION";
  }

  public static boolean isBootstrapFinished(String state) {
    return state != null && !state.startsWith("pre-") && !state.startsWith("signing-");
  }

  static Map<String, String> toSettings(RepositorySettings s) {
    Map<String, String> m = new HashMap<>();
    Map<String, dev.tufrepo.json.JsonValue> custom = new java.util.TreeMap<>();
    for (Map.Entry<String, Integer> e : s.expirationDays().entrySet()) {
      if (ROLES.contains(e.getKey())) {
        m.put(expiration(e.getKey()), Integer.toString(e.getValue()));
      } else {
        custom.put(e.getKey(), new dev.tufrepo.json.JsonNumber(e.getValue()));
      }
    }
    m.put(DELEGATION_EXPIRATION, json(dev.tufrepo.json.JsonObject.of(custom)));
    m.put(NUMBER_OF_DELEGATED_BINS, Integer.toString(s.numberOfBins()));
    m.put(ONLINE_KEY_ID, s.onlineKeyId());
    m.put(ONLINE_KEY_URI, s.onlineKeyUri());
    return m;
  }

  /** {role: days} of the custom delegated roles. */
  public static Map<String, Integer> customExpirations(String json) {
    Map<String, Integer> out = new HashMap<>();
    if (json != null) {
      ((dev.tufrepo.json.JsonObject) dev.tufrepo.json.Json.parse(json))
          .members()
          .forEach((k, v) -> out.put(k, (int) ((dev.tufrepo.json.JsonNumber) v).value()));
    }
    return out;
  }

  /** The custom role expirations of {@code days} as the JSON of {@link #DELEGATION_EXPIRATION}. */
  public static String customExpirationsJson(Map<String, Integer> days) {
    Map<String, dev.tufrepo.json.JsonValue> custom = new java.util.TreeMap<>();
    days.forEach(
        (k, v) -> {
          if (!ROLES.contains(k)) {
            custom.put(k, new dev.tufrepo.json.JsonNumber(v));
          }
        });
    return json(dev.tufrepo.json.JsonObject.of(custom));
  }

  static String json(dev.tufrepo.json.JsonValue v) {
    return new String(dev.tufrepo.json.Json.write(v), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The settings of a bootstrapped repository, or empty before bootstrap. */
  public static Optional<RepositorySettings> read(Map<String, String> settings) {
    if (!isBootstrapFinished(settings.get(BOOTSTRAP))) {
      return Optional.empty();
    }
    Map<String, Integer> days = new HashMap<>();
    for (String role : ROLES) {
      String v = settings.get(expiration(role));
      if (v != null) {
        days.put(role, Integer.parseInt(v));
      }
    }
    days.putAll(customExpirations(settings.get(DELEGATION_EXPIRATION)));
    return Optional.of(
        new RepositorySettings(
            days,
            Integer.parseInt(settings.get(NUMBER_OF_DELEGATED_BINS)),
            settings.get(ONLINE_KEY_ID),
            settings.get(ONLINE_KEY_URI)));
  }
}
