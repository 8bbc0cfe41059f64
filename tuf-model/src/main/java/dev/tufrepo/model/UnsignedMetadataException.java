package dev.tufrepo.model;

import dev.tufrepo.TufException;
import java.util.Locale;

/**
 * Metadata not signed by a threshold of its role's keys (<a
 * href="https://theupdateframework.github.io/specification/latest/#detailed-client-workflow">spec,
 * client workflow, "verify with a threshold of keys"</a>). Each keyid counts once.
 */
public final class UnsignedMetadataException extends TufException {
  private static final long serialVersionUID = 1L;

  private final String role;
  private final int threshold;
  private final int validSignatures;

  public UnsignedMetadataException(String role, int threshold, int validSignatures) {
    super(
        String.format(
            Locale.ROOT,
            "%s: %d of the %d required signatures are valid",
            role,
            validSignatures,
            threshold));
    this.role = role;
    this.threshold = threshold;
    this.validSignatures = validSignatures;
  }

  public String role() {
    return role;
  }

  public int threshold() {
    return threshold;
  }

  public int validSignatures() {
    return validSignatures;
  }
}
