package dev.tufrepo.storage;

import java.util.Objects;

/**
 * One entry of {@link StateStore#enqueueAll}: a task and, when {@code payload} is not null, the
 * batch to queue for it.
 */
public record TaskSubmission(TaskRecord task, byte[] payload) {
  public TaskSubmission {
    Objects.requireNonNull(task, "task");
  }
}
