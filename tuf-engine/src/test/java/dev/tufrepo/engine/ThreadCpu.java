package dev.tufrepo.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads from {@code /proc/self/task}, grouped by thread name with
 * digits dropped ({@code tufrepo-sign-N}, {@code GC Thread#N}, {@code CN CompilerThre}: Linux keeps
 * the first 15 characters of a name). The JVM's own threads (collector, compilers) are counted too,
 * which {@code ThreadMXBean} does not see. Threads that ended between two snapshots are left out.
 * Linux only; elsewhere a snapshot is empty. For the benchmarks: the engine's prints where each
 * publish's CPU went, the REST load test where the measured window's did.
 */
public final class ThreadCpu {
  /** {@code /proc} counts in USER_HZ, 100 per second on Linux. */
  private static final double TICKS_PER_SECOND = 100;

  /** CPU ticks by "tid name". */
  private final Map<String, Long> ticks;

  private ThreadCpu(Map<String, Long> ticks) {
    this.ticks = ticks;
  }

  /** The CPU ticks of every live thread. */
  public static ThreadCpu snapshot() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(t -> read(t, ticks));
    } catch (IOException | UncheckedIOException e) {
      return new ThreadCpu(Map.of());
    }
    return new ThreadCpu(ticks);
  }

  private static void read(Path task, Map<String, Long> into) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      // "tid (comm) state ...": comm may hold spaces and parentheses
      int open = stat.indexOf('(');
      int close = stat.lastIndexOf(')');
      String[] f = stat.substring(close + 2).split(" ");
      // after comm: state is field 0, utime 11, stime 12
      into.put(
          task.getFileName() + " " + stat.substring(open + 1, close),
          Long.parseLong(f[11]) + Long.parseLong(f[12]));
    } catch (IOException | RuntimeException e) {
      // the thread ended while it was read
    }
  }

  /** Ticks per thread group since {@code before}, largest first. */
  private Map<String, Long> groupsSince(ThreadCpu before) {
    Map<String, Long> byGroup = new TreeMap<>();
    for (Map.Entry<String, Long> e : ticks.entrySet()) {
      long delta = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
      if (delta > 0) {
        String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
        byGroup.merge(name.replaceAll("[0-9]+", "N"), delta, Long::sum);
      }
    }
    Map<String, Long> sorted = new java.util.LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * Milliseconds of CPU per thread group since {@code before}, largest first, one line: {@code
   * "[thread cpu] total=240ms tufrepo-sign-N=160 ..."}.
   */
  public String since(ThreadCpu before) {
    Map<String, Long> groups = groupsSince(before);
    long total = groups.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder out = new StringBuilder("[thread cpu] total=").append(ms(total)).append("ms");
    groups.forEach((name, t) -> out.append(' ').append(name).append('=').append(ms(t)));
    return out.toString();
  }

  /**
   * The cores each thread group used over {@code seconds} since {@code before}, largest first:
   * {@code "tufrepo-sign-N 0.81, CN CompilerThre 0.20, ..."}; groups under 0.01 core are left out.
   */
  public String coresSince(ThreadCpu before, double seconds) {
    if (ticks.isEmpty()) {
      return "not available (no /proc/self/task)";
    }
    StringBuilder out = new StringBuilder();
    groupsSince(before)
        .forEach(
            (name, t) -> {
              double cores = t / TICKS_PER_SECOND / seconds;
              if (cores >= 0.01) {
                out.append(out.length() == 0 ? "" : ", ")
                    .append(name)
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", cores));
              }
            });
    return out.toString();
  }

  private static long ms(long ticks) {
    return Math.round(ticks * 1000 / TICKS_PER_SECOND);
  }
}
