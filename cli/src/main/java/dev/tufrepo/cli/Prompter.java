package dev.tufrepo.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Function;

/** Asks questions on a terminal (or any input stream), one line per answer, with defaults. */
final class Prompter {
  private final BufferedReader in;
  private final PrintWriter out;

  Prompter(Io io) {
    this.in = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
    this.out = io.out();
  }

  /** Asks until {@code parse} accepts the answer; an empty answer takes {@code def}. */
  <T> T ask(String question, String def, Function<String, T> parse) {
    while (true) {
      out.print(question + (def == null || def.isEmpty() ? "" : " [" + def + "]") + ": ");
      out.flush();
      String line;
      try {
        line = in.readLine();
      } catch (IOException e) {
        throw CliException.io("cannot read the answer: " + e, e);
      }
      if (line == null) {
        out.println();
        throw CliException.invalid("input ended before the ceremony was complete");
      }
      String answer = line.strip();
      if (answer.isEmpty() && def != null) {
        answer = def;
      }
      try {
        return parse.apply(answer);
      } catch (CliException | IllegalArgumentException e) {
        out.println("  " + e.getMessage());
      }
    }
  }

  int askInt(String question, int def, int min, int max) {
    return ask(
        question,
        Integer.toString(def),
        s -> {
          int v;
          try {
            v = Integer.parseInt(s);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("please enter a whole number");
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException(
                String.format(Locale.ROOT, "please enter a number from %d to %d", min, max));
          }
          return v;
        });
  }

  boolean confirm(String question, boolean def) {
    return ask(
        question + (def ? " (Y/n)" : " (y/N)"),
        "",
        s -> {
          if (s.isEmpty()) {
            return def;
          }
          return switch (s.toLowerCase(Locale.ROOT)) {
            case "y", "yes" -> true;
            case "n", "no" -> false;
            default -> throw new IllegalArgumentException("please answer y or n");
          };
        });
  }

  void say(String text) {
    out.println(text);
    out.flush();
  }
}
