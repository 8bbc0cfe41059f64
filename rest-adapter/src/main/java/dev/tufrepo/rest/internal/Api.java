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
    Metrics metrics) {

  public BootstrapState bootstrapState() {
    return BootstrapState.parse(engine.bootstrapState());
  }
}
