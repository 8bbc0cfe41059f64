package dev.tufrepo.engine;

import java.util.List;

/**
 * One submission: artifacts to add and paths to remove, accepted or refused as a whole.
 *
 * @param addTaskIdToCustom put the task id into each added artifact's {@code
 *     custom.added_by_task_id}, as RSTUF's {@code add_task_id_to_custom} does
 * @param publish RSTUF's {@code publish_targets}: when false the batch is queued but does not
 *     trigger an automatic publish; it is published by the next publish (for example {@link
 *     RepositoryEngine#publishTask}) or together with a later batch
 */
public record ArtifactBatch(
    List<Artifact> adds, List<String> removes, boolean addTaskIdToCustom, boolean publish) {
  public ArtifactBatch {
    adds = List.copyOf(adds);
    removes = List.copyOf(removes);
  }

  /** A batch that is published (the RSTUF default). */
  public ArtifactBatch(List<Artifact> adds, List<String> removes, boolean addTaskIdToCustom) {
    this(adds, removes, addTaskIdToCustom, true);
  }

  public static ArtifactBatch add(List<Artifact> adds) {
    return new ArtifactBatch(adds, List.of(), false);
  }

  public static ArtifactBatch remove(List<String> paths) {
    return new ArtifactBatch(List.of(), paths, false);
  }

  /** This batch with {@link #publish()} set to {@code value}. */
  public ArtifactBatch withPublish(boolean value) {
    return new ArtifactBatch(adds, removes, addTaskIdToCustom, value);
  }

  /** The RSTUF task name: {@code add_artifacts}, or {@code remove_artifacts} for removes only. */
  public String taskName() {
    return adds.isEmpty() && !removes.isEmpty() ? "remove_artifacts" : "add_artifacts";
  }

  public int size() {
    return adds.size() + removes.size();
  }
}
