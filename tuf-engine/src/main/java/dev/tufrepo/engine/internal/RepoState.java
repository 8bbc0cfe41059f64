package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import java.time.Instant;
import java.util.Map;

/**
 * The published state of a bootstrapped repository, immutable: the trusted root, top-level targets,
 * snapshot and timestamp with their file bytes, and the expiry of every bin. A publish builds a new
 * one and swaps it in after the commit.
 *
 * @param binExpires expiry of every bin by role name
 */
public record RepoState(
    RepositorySettings settings,
    Metadata<Root> root,
    SignedFile<Targets> targets,
    SignedFile<Snapshot> snapshot,
    SignedFile<Timestamp> timestamp,
    Map<String, Instant> binExpires) {

  public SuccinctRoles bins() {
    return targets.metadata().signed().delegations().succinctRoles();
  }

  public Key onlineKey() {
    return root.signed().keys().get(settings.onlineKeyId());
  }

  /** The published version of {@code role}'s file ({@code bins-0a}, {@code targets}). */
  public int version(String role) {
    return snapshot.metadata().signed().meta().get(role + ".json").version();
  }

  public RepoState withSettings(RepositorySettings newSettings) {
    return new RepoState(newSettings, root, targets, snapshot, timestamp, binExpires);
  }

  public RepoState withRoot(Metadata<Root> newRoot, RepositorySettings newSettings) {
    return new RepoState(newSettings, newRoot, targets, snapshot, timestamp, binExpires);
  }

  public RepoState with(
      SignedFile<Targets> newTargets,
      SignedFile<Snapshot> newSnapshot,
      SignedFile<Timestamp> newTimestamp,
      Map<String, Instant> newBinExpires) {
    return new RepoState(settings, root, newTargets, newSnapshot, newTimestamp, newBinExpires);
  }
}
