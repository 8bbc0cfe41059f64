package dev.tufrepo.engine;

import dev.tufrepo.model.TargetFile;
import java.util.Objects;

/**
 * One artifact to add: its target path and the TUF target file entry (length, hashes, optional
 * {@code custom}).
 */
public record Artifact(String path, TargetFile info) {
  public Artifact {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(info, "info");
  }
}
