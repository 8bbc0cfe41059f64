package dev.tufrepo.storage.embedded;

import dev.tufrepo.storage.TaskRecord;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The records of the tasks that the last publishes committed, by id, so that polling a task right
 * after its publish (what a client does after submitting) is answered from memory instead of the
 * database: under REST load at 500 requests/s, H2's lookup of a task was a third of the request
 * threads' samples. Bounded by the number of tasks and by the size of their results, oldest out
 * first; a task with a larger result is not kept.
 *
 * <p>The memory never holds a record that the database has since replaced: {@link #written} (after
 * each write of a task outside a publish) removes the task and counts the write, and {@link
 * #committed} keeps a publish's tasks only if no such write ended since {@link #writes()} was read
 * before that publish committed. Thread-safe.
 */
final class RecentTasks {
  private final int maxTasks;
  private final long maxChars;
  private final int maxResultChars;
  private final LinkedHashMap<String, TaskRecord> byId = new LinkedHashMap<>();
  private long chars;
  private long writes;

  RecentTasks(int maxTasks, long maxChars, int maxResultChars) {
    this.maxTasks = maxTasks;
    this.maxChars = maxChars;
    this.maxResultChars = maxResultChars;
  }

  synchronized TaskRecord get(String id) {
    return byId.get(id);
  }

  /** How many writes outside publishes have ended: read before a publish commits. */
  synchronized long writes() {
    return writes;
  }

  /** Task {@code id} was just written outside a publish: its record here, if any, is stale. */
  synchronized void written(String id) {
    writes++;
    remove(id);
  }

  /**
   * A publish committed {@code tasks}; {@code writesBefore} is {@link #writes()} read before it
   * began to commit. If a write ended since, nothing is kept: that write may have replaced one of
   * these records in the database after the publish's commit.
   */
  synchronized void committed(List<TaskRecord> tasks, long writesBefore) {
    if (writes != writesBefore) {
      for (TaskRecord t : tasks) {
        remove(t.id());
      }
      return;
    }
    for (TaskRecord t : tasks) {
      remove(t.id());
      long size = size(t);
      if (size <= maxResultChars) {
        byId.put(t.id(), t);
        chars += size;
      }
    }
    Iterator<TaskRecord> oldest = byId.values().iterator();
    while ((byId.size() > maxTasks || chars > maxChars) && oldest.hasNext()) {
      chars -= size(oldest.next());
      oldest.remove();
    }
  }

  synchronized int size() {
    return byId.size();
  }

  synchronized void clear() {
    byId.clear();
    chars = 0;
  }

  private void remove(String id) {
    TaskRecord old = byId.remove(id);
    if (old != null) {
      chars -= size(old);
    }
  }

  private static long size(TaskRecord t) {
    return t.result() == null ? 0 : t.result().length();
  }
}
