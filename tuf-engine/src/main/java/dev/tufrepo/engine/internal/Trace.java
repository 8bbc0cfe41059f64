package dev.tufrepo.engine.internal;

/** Stage timings of one operation, printed to stderr when {@code -Dtufrepo.trace=true}. */
final class Trace {
  private static final boolean ON = Boolean.getBoolean("tufrepo.trace");
  private final String what;
  private long last = System.nanoTime();
  private final StringBuilder sb = new StringBuilder();

  Trace(String what) {
    this.what = what;
  }

  void mark(String stage) {
    if (ON) {
      long now = System.nanoTime();
      sb.append(' ').append(stage).append('=').append((now - last) / 1_000_000).append("ms");
      last = now;
    }
  }

  void done() {
    if (ON) {
      System.err.println("[trace] " + what + ":" + sb);
    }
  }
}
