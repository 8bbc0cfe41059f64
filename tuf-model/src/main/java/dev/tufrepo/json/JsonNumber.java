package dev.tufrepo.json;

/**
 * A JSON integer. TUF metadata has no floats; integers are limited to the signed 64-bit range, the
 * range go-securesystemslib accepts. Values above 2^53-1 are not portable to JavaScript clients.
 */
public record JsonNumber(long value) implements JsonValue {
  /** The largest integer every TUF client reads exactly (JavaScript's Number.MAX_SAFE_INTEGER). */
  public static final long MAX_PORTABLE = 9007199254740991L;

  @Override
  public String typeName() {
    return "integer";
  }
}
