package dev.tufrepo.cli;

/**
 * A command failed for a reason the user can act on; {@link #exitCode()} is {@link
 * Tufrepo#EXIT_INVALID} (bad input, TUF rule broken) or {@link Tufrepo#EXIT_IO} (server or I/O).
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A validation error: exit code 2. */
  public static CliException invalid(String message) {
    return new CliException(Tufrepo.EXIT_INVALID, message);
  }

  /** A server or I/O error: exit code 3. */
  public static CliException io(String message, Throwable cause) {
    return new CliException(Tufrepo.EXIT_IO, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
