package dev.tufrepo.engine;

/**
 * A publish whose result a TUF client would reject (a bad signature, a version that does not grow,
 * an expiry in the past, a snapshot that disagrees with the files). Nothing was made visible; the
 * previous state is still what clients see.
 */
public final class PublishVerificationException extends EngineException {
  private static final long serialVersionUID = 1L;

  public PublishVerificationException(String message) {
    super("self-verification failed: " + message);
  }
}
