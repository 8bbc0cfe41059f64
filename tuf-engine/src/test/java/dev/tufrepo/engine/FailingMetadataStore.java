package dev.tufrepo.engine;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Wraps a store and fails one write on demand, as a full disk would. */
final class FailingMetadataStore implements MetadataStore {
  private final MetadataStore delegate;
  volatile boolean failNextVersionedWrite;

  FailingMetadataStore(MetadataStore delegate) {
    this.delegate = delegate;
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

  @Override
  public void writeTimestamp(byte[] bytes) {
    delegate.writeTimestamp(bytes);
  }

  @Override
  public Optional<byte[]> read(String name) {
    return delegate.read(name);
  }

  @Override
  public List<String> list() {
    return delegate.list();
  }

  @Override
  public void delete(String name) {
    delegate.delete(name);
  }
}
