package dev.tufrepo.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What a command reads and writes: standard input, output and error, the environment, and whether
 * output goes to a terminal (for progress bars). Tests pass their own.
 */
public record Io(
    InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env, boolean terminal) {
  public Io {
    env = Map.copyOf(env);
  }

  /** The process's own streams and environment. */
  public static Io system() {
    return new Io(
        System.in,
        new PrintWriter(System.out, true),
        new PrintWriter(System.err, true),
        System.getenv(),
        System.console() != null);
  }
}
