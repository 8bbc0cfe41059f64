package dev.tufrepo.model;

import dev.tufrepo.TufException;

/**
 * TUF metadata that does not follow the specification's format: a missing or mistyped field, a
 * threshold below 1, a negative length, a malformed {@code expires}. Names the JSON path of the
 * field and the reason, for example {@code signed.roles.root.threshold: must be >= 1}.
 */
public final class MetadataFormatException extends TufException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String reason;

  public MetadataFormatException(String path, String reason) {
    super((path.isEmpty() ? "(document)" : path) + ": " + reason);
    this.path = path;
    this.reason = reason;
  }

  /** The JSON path of the offending field, for example {@code signed.version}. */
  public String path() {
    return path;
  }

  /** Why the field was refused. */
  public String reason() {
    return reason;
  }

  /** The same error for a field found under {@code parentPath}. */
  public MetadataFormatException under(String parentPath) {
    if (parentPath.isEmpty()) {
      return this;
    }
    String p;
    if (path.isEmpty()) {
      p = parentPath;
    } else if (path.startsWith("[")) {
      p = parentPath + path;
    } else {
      p = parentPath + "." + path;
    }
    MetadataFormatException e = new MetadataFormatException(p, reason);
    e.setStackTrace(getStackTrace());
    return e;
  }
}
