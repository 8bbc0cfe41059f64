package dev.tufrepo.engine;

import dev.tufrepo.storage.MetadataStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A metadata store that forwards every call; tests override the calls they interfere with. Write
 * groups are not forwarded: they go through {@link #writeVersioned} (the interface's default), so
 * an override of it sees every versioned write.
 */
abstract class ForwardingMetadataStore implements MetadataStore {
  protected final MetadataStore delegate;

  ForwardingMetadataStore(MetadataStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void writeVersioned(Map<String, byte[]> files) {
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

  @Override
  public void close() {
    delegate.close();
  }
}
