package dev.tufrepo.storage;

/**
 * A publisher tried to commit with a lease that is no longer the current one: another node took
 * over the publish lock. Nothing was committed.
 */
public final class FencingException extends StorageException {
  private static final long serialVersionUID = 1L;

  public FencingException(String message) {
    super(message);
  }
}
