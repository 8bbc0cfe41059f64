package dev.tufrepo.model;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code signed} part of a metadata file, common to all four roles (<a
 * href="https://theupdateframework.github.io/specification/latest/#file-formats-general-principles">spec,
 * general principles</a>).
 */
public sealed interface Signed extends JsonWritable permits Root, Targets, Snapshot, Timestamp {
  /** The spec_version tufrepo writes: python-tuf 5.1.0's, accepted by every client. */
  String SPEC_VERSION = "1.0.31";

  /** The {@code _type}: {@code root}, {@code targets}, {@code snapshot} or {@code timestamp}. */
  String type();

  String specVersion();

  int version();

  Instant expires();

  Map<String, JsonValue> unrecognized();

  /**
   * True when a client at time {@code now} would reject this as expired ({@code now >= expires}).
   */
  default boolean isExpired(Instant now) {
    return !now.isBefore(expires());
  }
}
