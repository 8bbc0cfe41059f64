package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.EngineException;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.storage.MetadataStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The artifact index: the target maps of the bins, kept in a bounded LRU cache (bounded by the
 * total number of targets held), cold bins read from the metadata store. A bin is held compact
 * ({@link Json#compact}): its paths and canonical bytes, about 290 bytes and two objects a target
 * instead of about 500 bytes and eight, with a target decoded only when a publish touches it. The
 * bytes are held in runs of about 1 kB, and a re-signed bin shares the runs it did not change with
 * the version before: what it leaves to the collector is about a run, not the whole bin.
 * Thread-safe.
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
    Map<String, TargetFile> targets =
        Json.compact(Metadata.parseTargets(bytes).signed().targets(), BinCache::decode);
    synchronized (this) {
      putCompact(bin, version, targets);
    }
    return targets;
  }

  /**
   * Reads into the cache the bins of {@code versions} (name to published version) that it does not
   * hold at that version, until it is full or {@code stop} says so (a warm-up after a restart or a
   * bulk import, so that the first publishes do not read and parse every bin they touch).
   *
   * @return how many bins were read
   */
  public int warm(Map<String, Integer> versions, java.util.function.BooleanSupplier stop) {
    int read = 0;
    int last = 0; // targets in the bin read last: about what the next one adds
    for (Map.Entry<String, Integer> e : versions.entrySet()) {
      synchronized (this) {
        if (held + last > maxTargets) {
          break; // full: reading on would only evict what was just read
        }
        Entry have = lru.get(e.getKey());
        if (have != null && have.version >= e.getValue()) {
          continue;
        }
      }
      if (stop.getAsBoolean()) {
        break;
      }
      // held compact, and so encoded: re-signing it copies the bytes of its unchanged targets
      last = targets(e.getKey(), e.getValue()).size();
      read++;
    }
    return read;
  }

  /**
   * Remembers the content of {@code bin} at {@code version}, unless a newer version is held already
   * (a read racing a publish must not replace the bin the publish just put).
   */
  public void put(String bin, int version, Map<String, TargetFile> targets) {
    // outside the lock: encoding a bin that is not encoded yet takes tens of microseconds
    Map<String, TargetFile> compact = Json.compact(targets, BinCache::decode);
    synchronized (this) {
      putCompact(bin, version, compact);
    }
  }

  private static TargetFile decode(String path, JsonValue json) {
    return TargetFile.fromJson(json, path);
  }

  private void putCompact(String bin, int version, Map<String, TargetFile> targets) {
    Entry current = lru.get(bin);
    if (current != null && current.version > version) {
      return;
    }
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
