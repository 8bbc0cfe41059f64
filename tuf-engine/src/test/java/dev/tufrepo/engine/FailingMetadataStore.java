package dev.tufrepo.engine;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import java.util.Map;

/** Wraps a store and fails one write on demand, as a full disk would. */
final class FailingMetadataStore extends ForwardingMetadataStore {
  volatile boolean failNextVersionedWrite;

  FailingMetadataStore(MetadataStore delegate) {
    super(delegate);
  }

  @Override
  public void writeVersioned(Map<String, byte[]> files) {
    if (failNextVersionedWrite) {
      failNextVersionedWrite = false;
      // write half of the files, then fail: the partial write must stay invisible
      files.entrySet().stream()
          .limit(files.size() / 2)
          .forEach(e -> delegate.writeVersioned(Map.of(e.getKey(), e.getValue())));
      throw new StorageException("disk full");
    }
    delegate.writeVersioned(files);
  }
}
