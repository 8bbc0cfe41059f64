package dev.tufrepo.engine;

import java.util.List;

/**
 * One submission: artifacts to add and paths to remove, accepted or refused as a whole.
 *
 * @param addTaskIdToCustom put the task id into each added artifact's {@code
 *     custom.added_by_task_id}, as RSTUF's {@code add_task_id_to_custom} does
 */
public record ArtifactBatch(List<Artifact> adds, List<String> removes, boolean addTaskIdToCustom) {
  public ArtifactBatch {
    adds = List.copyOf(adds);
    removes = List.copyOf(removes);
  }

  public static ArtifactBatch add(List<Artifact> adds) {
    return new ArtifactBatch(adds, List.of(), false);
  }

  public static ArtifactBatch remove(List<String> paths) {
    return new ArtifactBatch(List.of(), paths, false);
  }

  /** The RSTUF task name: {@code add_artifacts}, or {@code remove_artifacts} for removes only. */
  public String taskName() {
    return adds.isEmpty() && !removes.isEmpty() ? "remove_artifacts" : "add_artifacts";
  }

  public int size() {
    return adds.size() + removes.size();
  }
}
