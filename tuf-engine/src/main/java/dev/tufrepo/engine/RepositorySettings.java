package dev.tufrepo.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The settings chosen at bootstrap: how long each role's metadata is valid, the number of hash
 * bins, and the online key.
 *
 * @param expirationDays days of validity per role name ({@code root}, {@code targets}, {@code
 *     snapshot}, {@code timestamp}, {@code bins})
 * @param onlineKeyUri where the key vault finds the online key ({@code fn:<file>}, ...)
 */
public record RepositorySettings(
    Map<String, Integer> expirationDays,
    int numberOfBins,
    String onlineKeyId,
    String onlineKeyUri) {
  public static final String BINS = "bins";

  public RepositorySettings {
    expirationDays = Map.copyOf(expirationDays);
    Objects.requireNonNull(onlineKeyId, "onlineKeyId");
    Objects.requireNonNull(onlineKeyUri, "onlineKeyUri");
  }

  /** The validity period of {@code role}; delegated bins use the {@code bins} setting. */
  public Duration expiration(String role) {
    Integer days = expirationDays.get(role);
    if (days == null) {
      days = expirationDays.get(BINS);
    }
    return Duration.ofDays(days);
  }

  /** log2 of the bin count: the {@code bit_length} of the succinct delegation. */
  public int bitLength() {
    return Integer.numberOfTrailingZeros(numberOfBins);
  }
}
