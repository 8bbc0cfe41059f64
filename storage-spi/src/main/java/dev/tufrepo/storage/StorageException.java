package dev.tufrepo.storage;

import dev.tufrepo.TufException;

/** A storage backend failed (I/O error, database error). The operation may be retried. */
public class StorageException extends TufException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
