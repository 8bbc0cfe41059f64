package dev.tufrepo.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer other than success, with RSTUF's body: {@code {"detail": {"message", "error"}}},
 * or {@code {"detail": "Not Found"}}-style plain details.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Object detail;

  public ApiException(int status, Object detail) {
    super(String.valueOf(detail), null, false, false);
    this.status = status;
    this.detail = detail;
  }

  /** {@code {"detail": {"message": message, "error": error}}}; a null message is left out. */
  public static ApiException of(int status, String message, String error) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (message != null) {
      d.put("message", message);
    }
    d.put("error", error);
    return new ApiException(status, d);
  }

  public int status() {
    return status;
  }

  public Object detail() {
    return detail;
  }
}
