package dev.tufrepo.cli;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.MetadataStoreContract;
import java.nio.file.Path;

/** The local repositories' store keeps the metadata store contract. */
class ParallelSyncMetadataStoreTest extends MetadataStoreContract {
  @Override
  protected MetadataStore newStore(Path tempDir) {
    return new ParallelSyncMetadataStore(tempDir.resolve("metadata"));
  }
}
