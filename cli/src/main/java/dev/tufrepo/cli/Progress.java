package dev.tufrepo.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress for long work: a bar redrawn in place on a terminal, otherwise one log line every few
 * seconds (so a log file stays readable).
 */
final class Progress {
  private static final long LOG_EVERY_NANOS = 5_000_000_000L;
  private static final long DRAW_EVERY_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final boolean terminal;
  private final boolean quiet;
  private final long start = System.nanoTime();
  private long last;
  private boolean drawn;

  Progress(PrintWriter err, boolean terminal, boolean quiet) {
    this.err = err;
    this.terminal = terminal;
    this.quiet = quiet;
    this.last = start;
  }

  /** Reports {@code done} of {@code total} (total may be 0 when unknown) for {@code step}. */
  synchronized void update(String step, long done, long total, String detail) {
    if (quiet) {
      return;
    }
    long now = System.nanoTime();
    boolean finished = total > 0 && done >= total;
    if (now - last < (terminal ? DRAW_EVERY_NANOS : LOG_EVERY_NANOS) && !finished) {
      return;
    }
    if (!terminal && finished) {
      return; // the caller prints the summary
    }
    last = now;
    double secs = (now - start) / 1e9;
    if (terminal) {
      int pct = total > 0 ? (int) Math.min(100, done * 100 / total) : 0;
      int width = 30;
      int fill = pct * width / 100;
      err.print(
          String.format(
              Locale.ROOT,
              "\r%-10s [%s%s] %3d%% %s %5.1fs ",
              step,
              "#".repeat(fill),
              " ".repeat(width - fill),
              pct,
              detail,
              secs));
      drawn = true;
    } else {
      err.println(
          String.format(
              Locale.ROOT,
              "%s: %s%s (%.1fs)",
              step,
              detail,
              total > 0 ? String.format(Locale.ROOT, ", %d%%", done * 100 / total) : "",
              secs));
    }
    err.flush();
  }

  /** Ends the bar's line. */
  synchronized void done() {
    if (drawn) {
      err.print("\r" + " ".repeat(79) + "\r");
      err.flush();
      drawn = false;
    }
  }
}
