package dev.tufrepo.engine;

import dev.tufrepo.TufException;

/**
 * A request refused as a whole because one of its fields is invalid; nothing was queued or written.
 * {@link #field()} is the path of the field in the request, like {@code artifacts[3].path}.
 */
public final class InvalidRequestException extends TufException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public InvalidRequestException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
