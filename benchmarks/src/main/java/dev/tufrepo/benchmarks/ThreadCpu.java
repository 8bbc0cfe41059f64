package dev.tufrepo.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads, grouped by thread name with digits dropped ({@code
 * tufrepo-sign-N}, {@code GC Thread#N}, ...), from {@code /proc/self/task}: the JVM's own threads
 * (collector, compilers) are counted too, which {@code ThreadMXBean} does not see. Linux only;
 * elsewhere a snapshot is empty. Turned on by {@code -Dtufrepo.bench.threadCpu=true}: the
 * benchmarks that use it print, per measured operation, where its CPU time went.
 */
final class ThreadCpu {
  static final boolean ENABLED = Boolean.getBoolean("tufrepo.bench.threadCpu");

  /** Clock ticks per second of {@code /proc/.../stat} (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<String, Long> ticksByThread;

  private ThreadCpu(Map<String, Long> ticksByThread) {
    this.ticksByThread = ticksByThread;
  }

  /** The CPU ticks of every live thread, by thread id and name. */
  static ThreadCpu snapshot() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(
          t -> {
            try {
              String stat = Files.readString(t.resolve("stat"));
              // "tid (comm) state ..." where comm may hold spaces and parentheses
              int open = stat.indexOf('(');
              int close = stat.lastIndexOf(')');
              String name = stat.substring(open + 1, close);
              String[] f = stat.substring(close + 2).split(" ");
              // after the name: state(0) ... utime(11) stime(12)
              long used = Long.parseLong(f[11]) + Long.parseLong(f[12]);
              ticks.put(t.getFileName() + " " + name, used);
            } catch (IOException | RuntimeException e) {
              // the thread ended while it was read
            }
          });
    } catch (IOException e) {
      return new ThreadCpu(Map.of());
    }
    return new ThreadCpu(ticks);
  }

  /** Milliseconds of CPU per thread group since {@code before}, largest first, one line. */
  String since(ThreadCpu before) {
    Map<String, Long> byGroup = new TreeMap<>();
    long total = 0;
    for (Map.Entry<String, Long> e : ticksByThread.entrySet()) {
      long delta = e.getValue() - before.ticksByThread.getOrDefault(e.getKey(), 0L);
      if (delta <= 0) {
        continue;
      }
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      byGroup.merge(name.replaceAll("[0-9]+", "N"), delta, Long::sum);
      total += delta;
    }
    StringBuilder out = new StringBuilder("[thread cpu] total=").append(ms(total)).append("ms");
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.append(' ').append(e.getKey()).append('=').append(ms(e.getValue())));
    return out.toString();
  }

  private static long ms(long ticks) {
    return Math.round(ticks * 1000 / TICKS_PER_SECOND);
  }
}
