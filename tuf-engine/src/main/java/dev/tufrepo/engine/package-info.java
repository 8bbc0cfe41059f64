/**
 * The repository engine: RSTUF's worker as a library. {@link dev.tufrepo.engine.RepositoryEngine}
 * bootstraps a repository, queues artifact batches durably, publishes them as signed TUF metadata
 * (only touched bins re-signed, snapshot updated incrementally, then timestamp), refreshes roles
 * before they expire, and checks every new state the way a client would before making it visible.
 * It has no HTTP, JSON-B or logging-binding dependency: storage, key vault, clock and executors are
 * handed to it as instances.
 */
package dev.tufrepo.engine;
