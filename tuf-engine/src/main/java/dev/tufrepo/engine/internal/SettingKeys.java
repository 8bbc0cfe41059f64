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
    for (String role : ROLES) {
      m.put(expiration(role), Integer.toString(s.expirationDays().get(role)));
    }
    m.put(NUMBER_OF_DELEGATED_BINS, Integer.toString(s.numberOfBins()));
    m.put(ONLINE_KEY_ID, s.onlineKeyId());
    m.put(ONLINE_KEY_URI, s.onlineKeyUri());
    return m;
  }

  /** The settings of a bootstrapped repository, or empty before bootstrap. */
  public static Optional<RepositorySettings> read(Map<String, String> settings) {
    if (!isBootstrapFinished(settings.get(BOOTSTRAP))) {
      return Optional.empty();
    }
    Map<String, Integer> days = new HashMap<>();
    for (String role : ROLES) {
      days.put(role, Integer.parseInt(settings.get(expiration(role))));
    }
    return Optional.of(
        new RepositorySettings(
            days,
            Integer.parseInt(settings.get(NUMBER_OF_DELEGATED_BINS)),
            settings.get(ONLINE_KEY_ID),
            settings.get(ONLINE_KEY_URI)));
  }
}
