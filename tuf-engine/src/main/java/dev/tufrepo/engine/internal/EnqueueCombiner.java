package dev.tufrepo.engine.internal;

import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskSubmission;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of the durable queue: concurrent {@link #enqueue} calls are combined so that one
 * {@link StateStore#enqueueAll} transaction stores many of them. A caller that finds no commit
 * running becomes the leader: it takes every submission waiting at that moment (its own included),
 * commits them in one transaction, and hands the outcome to each waiting caller. Callers that
 * arrive meanwhile wait; when the leader is done one of them leads the next group. Every caller
 * returns only once its own submission is durably committed, or throws the exception that the
 * commit of its group threw. Submissions are committed in arrival order.
 */
public final class EnqueueCombiner {
  private static final System.Logger LOG = System.getLogger(EnqueueCombiner.class.getName());

  private final StateStore store;
  private final int maxGroup;
  private final Runnable afterGroup;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private List<Pending> waiting = new ArrayList<>();
  private boolean leading;

  /** A submission waiting for its group's commit; fields are guarded by {@code lock}. */
  private static final class Pending {
    final TaskSubmission submission;
    boolean done;
    long seq;
    Throwable failure;

    Pending(TaskSubmission submission) {
      this.submission = submission;
    }
  }

  /**
   * @param maxGroup the most submissions one transaction stores; larger groups are split
   * @param afterGroup run by the leader after each committed group, once its callers are released
   *     (such as reporting the queue depth); what it throws is logged, not passed on
   */
  public EnqueueCombiner(StateStore store, int maxGroup, Runnable afterGroup) {
    this.store = Objects.requireNonNull(store, "store");
    this.afterGroup = Objects.requireNonNull(afterGroup, "afterGroup");
    if (maxGroup < 1) {
      throw new IllegalArgumentException("maxGroup must be >= 1");
    }
    this.maxGroup = maxGroup;
  }

  /**
   * Stores {@code submission} durably together with whatever other callers submit concurrently, and
   * returns its seq (0 without payload) once it is committed.
   *
   * @throws RuntimeException what the store threw for the group (the same exception for every
   *     caller of the group); nothing of the group is queued then if the store is atomic
   */
  public long enqueue(TaskSubmission submission) {
    Pending mine = new Pending(Objects.requireNonNull(submission, "submission"));
    List<Pending> group;
    lock.lock();
    try {
      waiting.add(mine);
      while (leading && !mine.done) {
        changed.awaitUninterruptibly();
      }
      if (mine.done) {
        return outcome(mine);
      }
      // lead: take the waiting submissions, up to maxGroup, in arrival order (mine is among them)
      leading = true;
      if (waiting.size() <= maxGroup) {
        group = waiting;
        waiting = new ArrayList<>();
      } else {
        group = new ArrayList<>(waiting.subList(0, maxGroup));
        waiting = new ArrayList<>(waiting.subList(maxGroup, waiting.size()));
        if (!group.contains(mine)) {
          // any waiter may win the lead, not the earliest: its own submission goes in regardless
          group.add(mine);
          waiting.remove(mine);
        }
      }
    } finally {
      lock.unlock();
    }
    List<Long> seqs = null;
    Throwable failure = null;
    try {
      List<TaskSubmission> subs = new ArrayList<>(group.size());
      for (Pending p : group) {
        subs.add(p.submission);
      }
      seqs = store.enqueueAll(subs);
      if (seqs.size() != group.size()) {
        throw new IllegalStateException(
            "the state store returned " + seqs.size() + " seqs for " + group.size() + " batches");
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    lock.lock();
    try {
      for (int i = 0; i < group.size(); i++) {
        Pending p = group.get(i);
        p.done = true;
        if (failure != null) {
          p.failure = failure;
        } else {
          p.seq = seqs.get(i);
        }
      }
      leading = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (failure == null) {
      try {
        afterGroup.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "after enqueue: " + e.getMessage(), e);
      }
    }
    return outcome(mine);
  }

  private static long outcome(Pending p) {
    Throwable f = p.failure;
    if (f instanceof RuntimeException r) {
      throw r;
    }
    if (f instanceof Error e) {
      throw e;
    }
    return p.seq;
  }
}
