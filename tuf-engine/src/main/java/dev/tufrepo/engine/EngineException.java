package dev.tufrepo.engine;

import dev.tufrepo.TufException;

/** An engine operation that cannot be carried out in the repository's current state. */
public class EngineException extends TufException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
