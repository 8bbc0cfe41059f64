package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.EngineException;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.storage.MetadataStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The artifact index: the target maps of the bins, parsed, kept in a bounded LRU cache (bounded by
 * the total number of targets held), cold bins read from the metadata store. Thread-safe.
 */
public final class BinCache {
  private record Entry(int version, Map<String, TargetFile> targets) {}

  private final MetadataStore store;
  private final long maxTargets;
  private final LinkedHashMap<String, Entry> lru = new LinkedHashMap<>(1024, 0.75f, true);
  private long held;

  public BinCache(MetadataStore store, long maxTargets) {
    this.store = store;
    this.maxTargets = maxTargets;
  }

  /** The targets of {@code bin} at {@code version}, from the cache or the store. */
  public Map<String, TargetFile> targets(String bin, int version) {
    synchronized (this) {
      Entry e = lru.get(bin);
      if (e != null && e.version == version) {
        return e.targets;
      }
    }
    String name = version + "." + bin + ".json";
    byte[] bytes =
        store
            .read(name)
            .orElseThrow(() -> new EngineException("published bin file " + name + " is missing"));
    Map<String, TargetFile> targets = Metadata.parseTargets(bytes).signed().targets();
    put(bin, version, targets);
    return targets;
  }

  /** Remembers the content of a newly published bin. */
  public synchronized void put(String bin, int version, Map<String, TargetFile> targets) {
    Entry old = lru.put(bin, new Entry(version, targets));
    if (old != null) {
      held -= old.targets.size();
    }
    held += targets.size();
    var it = lru.entrySet().iterator();
    while (held > maxTargets && it.hasNext()) {
      Entry victim = it.next().getValue();
      if (lru.size() == 1) {
        break;
      }
      held -= victim.targets.size();
      it.remove();
    }
  }

  public synchronized void clear() {
    lru.clear();
    held = 0;
  }
}
