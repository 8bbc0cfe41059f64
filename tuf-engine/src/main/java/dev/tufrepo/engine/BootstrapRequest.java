package dev.tufrepo.engine;

import java.util.Map;
import java.util.Objects;

/**
 * RSTUF's bootstrap payload: the signed root v1, exactly as received, and the settings.
 *
 * @param rootJson the root metadata file bytes; stored as they are, never re-serialized
 * @param expirationDays days until expiry per role: {@code root}, {@code targets}, {@code
 *     snapshot}, {@code timestamp}, {@code bins}
 * @param numberOfBins the number of hash bins: a power of two from 2 to 16384; ignored (0) with
 *     custom delegations
 * @param delegationsJson RSTUF's {@code TUFDelegations} ({@code {"keys": {...}, "roles": [{"name",
 *     "terminating", "keyids", "threshold", "paths", "x-rstuf-expire-policy"}]}}) to use instead of
 *     hash bins, or {@code null} for hash bins
 */
public record BootstrapRequest(
    byte[] rootJson,
    Map<String, Integer> expirationDays,
    int numberOfBins,
    byte[] delegationsJson) {
  public BootstrapRequest {
    Objects.requireNonNull(rootJson, "rootJson");
    expirationDays = Map.copyOf(expirationDays);
  }

  /** A bootstrap with {@code numberOfBins} succinct hash bins. */
  public BootstrapRequest(byte[] rootJson, Map<String, Integer> expirationDays, int numberOfBins) {
    this(rootJson, expirationDays, numberOfBins, null);
  }

  /**
   * A bootstrap with custom delegations instead of hash bins (RSTUF's {@code
   * metadata.delegations}). {@code expirationDays} needs {@code root}, {@code targets}, {@code
   * snapshot} and {@code timestamp}; each role's own expiry comes from its {@code
   * x-rstuf-expire-policy}.
   */
  public static BootstrapRequest withDelegations(
      byte[] rootJson, Map<String, Integer> expirationDays, byte[] delegationsJson) {
    return new BootstrapRequest(
        rootJson, expirationDays, 0, Objects.requireNonNull(delegationsJson, "delegationsJson"));
  }

  /** Whether this bootstrap uses custom delegations instead of hash bins. */
  public boolean hasCustomDelegations() {
    return delegationsJson != null;
  }
}
