package dev.tufrepo.engine;

import java.time.Duration;
import java.util.Map;

/**
 * What one publish did.
 *
 * @param roleVersions every role whose new version was published, with that version (bins, targets,
 *     snapshot, timestamp)
 * @param snapshotVersion the snapshot version clients now see
 * @param timestampVersion the timestamp version clients now see
 * @param batches how many queued batches were applied
 * @param added target paths added or replaced
 * @param removed target paths removed
 * @param notFound removals of paths that were not there
 * @param refreshed roles re-signed only because they were close to expiry
 * @param duration wall time of the publish
 */
public record PublishResult(
    Map<String, Integer> roleVersions,
    int snapshotVersion,
    int timestampVersion,
    int batches,
    int added,
    int removed,
    int notFound,
    int refreshed,
    Duration duration) {
  public PublishResult {
    roleVersions = Map.copyOf(roleVersions);
  }

  /** True if nothing was published (nothing queued and nothing close to expiry). */
  public boolean isEmpty() {
    return roleVersions.isEmpty();
  }

  /** The number of bins (and other delegated roles) signed anew. */
  public int rolesSigned() {
    int n = roleVersions.size();
    for (String r : new String[] {"snapshot", "timestamp", "targets", "root"}) {
      if (roleVersions.containsKey(r)) {
        n--;
      }
    }
    return n;
  }
}
