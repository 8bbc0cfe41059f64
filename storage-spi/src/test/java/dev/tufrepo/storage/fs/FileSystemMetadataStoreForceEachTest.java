package dev.tufrepo.storage.fs;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.MetadataStoreContract;
import java.nio.file.Path;

/**
 * The {@link MetadataStore} contract with the portable barrier, {@link Durability#FORCE_EACH};
 * {@link FileSystemMetadataStoreTest} runs it with the default, {@link Durability#AUTO}.
 */
class FileSystemMetadataStoreForceEachTest extends MetadataStoreContract {

  @Override
  protected MetadataStore newStore(Path tempDir) {
    return FileSystemMetadataStore.builder(tempDir.resolve("metadata"))
        .durability(Durability.FORCE_EACH)
        .forceThreads(4)
        .build();
  }
}
