package dev.tufrepo.storage;

import java.time.Instant;
import java.util.Objects;

/** The published version of one role and when it expires. */
public record RoleVersion(int version, Instant expires) {
  public RoleVersion {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1");
    }
    Objects.requireNonNull(expires, "expires");
  }
}
