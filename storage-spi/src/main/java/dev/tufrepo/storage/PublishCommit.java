package dev.tufrepo.storage;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a publish changes in the state store, committed as one transaction: the new role
 * versions, the drained queue entries (deleted), the updated tasks, and settings.
 *
 * @param fencingToken the publish lease token, or 0 when the store is used by one JVM alone
 * @param drainedSeqs the {@link QueuedBatch#seq()}s that this publish applied
 * @param settings settings to set; a {@code null} value deletes the key
 */
public record PublishCommit(
    long fencingToken,
    Map<String, RoleVersion> roleVersions,
    List<Long> drainedSeqs,
    List<TaskRecord> tasks,
    Map<String, String> settings) {
  public PublishCommit {
    roleVersions = Map.copyOf(Objects.requireNonNull(roleVersions, "roleVersions"));
    drainedSeqs = List.copyOf(drainedSeqs);
    tasks = List.copyOf(tasks);
    settings = new java.util.HashMap<>(settings); // may hold null values: deletions
  }
}
