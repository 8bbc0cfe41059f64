package dev.tufrepo.rest.bench;

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
 * CPU ticks of this process's threads from {@code /proc/self/task}, so that a load run can say
 * where its CPU went, the JVM's compiler and collector threads included (which {@code ThreadMXBean}
 * does not see). Threads are grouped by name with digits dropped. Linux only; elsewhere a snapshot
 * is empty and {@link #coresSince} says so.
 */
final class ThreadGroupsCpu {
  /** {@code /proc} counts in USER_HZ, 100 per second on Linux. */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<String, Long> ticks;

  private ThreadGroupsCpu(Map<String, Long> ticks) {
    this.ticks = ticks;
  }

  static ThreadGroupsCpu snapshot() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(t -> read(t, ticks));
    } catch (IOException | UncheckedIOException e) {
      return new ThreadGroupsCpu(Map.of());
    }
    return new ThreadGroupsCpu(ticks);
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

  /**
   * The cores each thread group used over {@code seconds} since {@code before}, largest first:
   * {@code "tufrepo-sign-N 0.81, CN CompilerThre 0.20, ..."} (Linux keeps the first 15 characters
   * of a name). Groups under 0.01 core are left out, and so are threads that ended in between.
   */
  String coresSince(ThreadGroupsCpu before, double seconds) {
    if (ticks.isEmpty()) {
      return "not available (no /proc/self/task)";
    }
    Map<String, Long> byGroup = new TreeMap<>();
    for (Map.Entry<String, Long> e : ticks.entrySet()) {
      long delta = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
      if (delta > 0) {
        String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
        byGroup.merge(name.replaceAll("[0-9]+", "N"), delta, Long::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e -> {
              double cores = e.getValue() / TICKS_PER_SECOND / seconds;
              if (cores >= 0.01) {
                out.append(out.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", cores));
              }
            });
    return out.toString();
  }
}
