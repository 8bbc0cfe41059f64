package dev.tufrepo.json;

import dev.tufrepo.TufException;
import java.util.Locale;

/**
 * JSON text that is not acceptable in TUF metadata: a syntax error, a float, a lone surrogate,
 * invalid UTF-8, a duplicate key, nesting too deep. Names the JSON path and the byte offset.
 */
public final class JsonException extends TufException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;
  private final long offset;

  public JsonException(String path, String reason, long offset) {
    super(
        offset >= 0
            ? String.format(Locale.ROOT, "%s: %s (at byte %d)", displayPath(path), reason, offset)
            : displayPath(path) + ": " + reason);
    this.path = path;
    this.reason = reason;
    this.offset = offset;
  }

  /** The JSON path of the value in error, like {@code signed.roles.root}; empty for the top. */
  public String path() {
    return path;
  }

  /** Why the input was refused. */
  public String reason() {
    return reason;
  }

  /** Byte offset in the input, or -1 when the error is not about a position in text. */
  public long offset() {
    return offset;
  }

  static String displayPath(String path) {
    return path.isEmpty() ? "(document)" : path;
  }
}
