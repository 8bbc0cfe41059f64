package dev.tufrepo.engine;

/**
 * What {@link RepositoryEngine#delegations} does with the roles of a custom-delegations request
 * (RSTUF: {@code POST}, {@code PUT} and {@code POST .../delete} on {@code /api/v1/delegations}).
 */
public enum DelegationAction {
  /** Creates new delegated roles; a name in use (or ever used) fails for that role. */
  ADD,
  /** Changes existing delegated roles (paths, keys, threshold, terminating, expire policy). */
  UPDATE,
  /** Removes delegated roles; their names are never used again. */
  DELETE
}
