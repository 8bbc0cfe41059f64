package dev.tufrepo.engine;

import java.util.Map;
import java.util.Objects;

/**
 * RSTUF's bootstrap payload: the signed root v1, exactly as received, and the settings.
 *
 * @param rootJson the root metadata file bytes; stored as they are, never re-serialized
 * @param expirationDays days until expiry per role: {@code root}, {@code targets}, {@code
 *     snapshot}, {@code timestamp}, {@code bins}
 * @param numberOfBins the number of hash bins: a power of two from 2 to 16384
 */
public record BootstrapRequest(
    byte[] rootJson, Map<String, Integer> expirationDays, int numberOfBins) {
  public BootstrapRequest {
    Objects.requireNonNull(rootJson, "rootJson");
    expirationDays = Map.copyOf(expirationDays);
  }
}
