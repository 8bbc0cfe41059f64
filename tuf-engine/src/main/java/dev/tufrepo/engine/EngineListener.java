package dev.tufrepo.engine;

import java.time.Instant;

/**
 * How progress and metrics leave the engine (the engine draws nothing and depends on no metrics
 * library). Every method has an empty default; calls come from engine threads and must return
 * quickly.
 */
public interface EngineListener {
  EngineListener NONE = new EngineListener() {};

  /** A publish made a new state visible. */
  default void published(PublishResult result) {}

  /** A publish failed; the previous state is still visible and the changes are still queued. */
  default void publishFailed(Throwable error) {}

  /** The number of queued batches changed. */
  default void queueDepth(long batches) {}

  /** A role's current expiry (after bootstrap, publish and refresh). */
  default void roleExpires(String role, Instant expires) {}

  /** Progress of a long step, like signing 16,384 bins. */
  default void progress(String step, long done, long total) {}

  /**
   * An offline role ({@code root} or a delegated role signed by offline keys) expires at {@code
   * expires}, within the engine's warning window: its key holders must sign a new version before
   * then. Called after every publish and refresh while the condition holds.
   */
  default void offlineRoleExpiring(String role, Instant expires) {}
}
