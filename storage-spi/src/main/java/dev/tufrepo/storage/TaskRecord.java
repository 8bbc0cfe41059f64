package dev.tufrepo.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A task as the state store keeps it: the engine's and the REST API's view of one accepted request.
 *
 * @param id 32 lowercase hex digits
 * @param name the task name, as RSTUF names them ({@code add_artifacts}, {@code bootstrap}, ...)
 * @param state the task state name ({@code PENDING}, {@code RUNNING}, {@code SUCCESS}, {@code
 *     FAILURE}, {@code ERRORED}, ...)
 * @param result the task result as JSON text, or {@code null} while there is none
 */
public record TaskRecord(String id, String name, String state, Instant updated, String result) {
  public TaskRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(updated, "updated");
  }

  public TaskRecord withState(String newState, Instant when, String newResult) {
    return new TaskRecord(id, name, newState, when, newResult);
  }
}
