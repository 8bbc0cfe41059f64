package dev.tufrepo;

/**
 * Root of every exception tufrepo throws. All of them are unchecked: a caller that wants to react
 * to one failure catches its specific subclass, which carries typed fields.
 *
 * <p>Messages are written with {@link java.util.Locale#ROOT} and never contain key material.
 */
public class TufException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TufException(String message) {
    super(message);
  }

  public TufException(String message, Throwable cause) {
    super(message, cause);
  }
}
