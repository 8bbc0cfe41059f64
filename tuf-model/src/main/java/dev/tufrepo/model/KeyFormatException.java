package dev.tufrepo.model;

import dev.tufrepo.TufException;

/**
 * A key that cannot be used: an unsupported key type or scheme, a malformed public value, a PEM
 * that does not hold a private key of a supported type. Never carries key material.
 */
public final class KeyFormatException extends TufException {
  private static final long serialVersionUID = 1L;

  public KeyFormatException(String message) {
    super(message);
  }

  public KeyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
