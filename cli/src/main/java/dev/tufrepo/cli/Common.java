package dev.tufrepo.cli;

import picocli.CommandLine.Option;

/** Options every command that prints data takes. */
public final class Common {
  /** How data is printed. */
  public enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "text")
  Format output = Format.text;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print stack traces of errors and more progress detail.")
  boolean verbose;

  public boolean json() {
    return output == Format.json;
  }
}
