package dev.tufrepo.engine.internal;

/**
 * Stage timings of one operation and the CPU time the process spent meanwhile, each stage's and the
 * whole operation's ({@code binIndex=300ms/590cpu}: 300 ms of wall-clock time, 590 ms of CPU time
 * over all threads), printed to stderr when {@code -Dtufrepo.trace=true}, with the JVM uptime at
 * which the operation started (to set beside a GC log written with {@code uptime}).
 */
final class Trace {
  private static final boolean ON = Boolean.getBoolean("tufrepo.trace");
  private final String what;
  private final long startUptimeMillis = ON ? uptimeMillis() : 0;
  private long last = System.nanoTime();
  private final long cpuStart = ON ? processCpuNanos() : 0;
  private long lastCpu = cpuStart;
  private final StringBuilder sb = new StringBuilder();

  Trace(String what) {
    this.what = what;
  }

  void mark(String stage) {
    if (ON) {
      long now = System.nanoTime();
      long cpu = processCpuNanos();
      sb.append(' ').append(stage).append('=').append((now - last) / 1_000_000).append("ms");
      sb.append('/').append((cpu - lastCpu) / 1_000_000).append("cpu");
      last = now;
      lastCpu = cpu;
    }
  }

  /** CPU time of the whole process (every thread), or 0 where the JDK does not tell. */
  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long uptimeMillis() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
  }

  void done() {
    if (ON) {
      long cpu = (processCpuNanos() - cpuStart) / 1_000_000;
      System.err.printf(
          java.util.Locale.ROOT,
          "[trace] at %.3fs %s:%s processCpu=%dms%n",
          startUptimeMillis / 1e3,
          what,
          sb,
          cpu);
    }
  }
}
