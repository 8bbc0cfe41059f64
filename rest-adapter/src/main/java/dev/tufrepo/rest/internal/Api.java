package dev.tufrepo.rest.internal;

import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.storage.MetadataStore;

/**
 * What the resources share: the engine, the body reader, the task runner and the limits.
 *
 * @param maxBatch the most artifacts one request may carry
 */
public record Api(
    RepositoryEngine engine,
    Bodies bodies,
    TaskRunner tasks,
    int maxBatch,
    MetadataStore metadata,
    Health health,
    Metrics metrics,
    java.util.concurrent.atomic.AtomicReference<BootstrapState> finished) {

  public Api(
      RepositoryEngine engine,
      Bodies bodies,
      TaskRunner tasks,
      int maxBatch,
      MetadataStore metadata,
      Health health,
      Metrics metrics) {
    this(
        engine,
        bodies,
        tasks,
        maxBatch,
        metadata,
        health,
        metrics,
        new java.util.concurrent.atomic.AtomicReference<>());
  }

  /**
   * The bootstrap state. A finished bootstrap never changes again, so once seen it is answered
   * without a state store read (every artifact request checks it).
   */
  public BootstrapState bootstrapState() {
    BootstrapState known = finished.get();
    if (known != null) {
      return known;
    }
    BootstrapState s = BootstrapState.parse(engine.bootstrapState());
    if (s.bootstrap()) {
      finished.compareAndSet(null, s);
    }
    return s;
  }
}
