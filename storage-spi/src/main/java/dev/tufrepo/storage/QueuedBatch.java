package dev.tufrepo.storage;

import java.util.Objects;

/**
 * One accepted batch of artifact changes waiting to be published. The store keeps the payload as
 * opaque bytes (the engine's encoding of the changes) so that a batch of a million artifacts is one
 * row, not a million.
 *
 * @param seq assigned by the store, increasing in acceptance order
 * @param taskId the task that the batch belongs to
 */
public record QueuedBatch(long seq, String taskId, byte[] payload) {
  public QueuedBatch {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(payload, "payload");
  }
}
