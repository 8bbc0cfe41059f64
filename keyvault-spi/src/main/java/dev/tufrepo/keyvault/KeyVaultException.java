package dev.tufrepo.keyvault;

import dev.tufrepo.TufException;

/** A key could not be found, read or used. Never carries key material. */
public class KeyVaultException extends TufException {
  private static final long serialVersionUID = 1L;

  public KeyVaultException(String message) {
    super(message);
  }

  public KeyVaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
