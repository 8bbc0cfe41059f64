package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.MetadataStore;
import java.util.Map;
import java.util.TreeMap;

/**
 * The published files of a store as {name -> sha256}, to check that no versioned file ever changes
 * (ARCHITECTURE: "A versioned file is written once and never changed").
 */
final class PublishedFiles {
  private final MetadataStore store;
  private Map<String, String> last;
  private final Map<String, String> everSeen = new TreeMap<>();

  PublishedFiles(MetadataStore store) {
    this.store = store;
    this.last = scan(store);
    everSeen.putAll(last);
  }

  static Map<String, String> scan(MetadataStore store) {
    Map<String, String> out = new TreeMap<>();
    for (String name : store.list()) {
      store.read(name).ifPresent(b -> out.put(name, Sha256.hex(b)));
    }
    return out;
  }

  /**
   * Asserts that every versioned file seen at the last check still has the same bytes (none
   * deleted), then remembers the current files.
   */
  void assertNoVersionedFileChanged(String step) {
    assertUnchanged(step, false);
  }

  /**
   * As {@link #assertNoVersionedFileChanged}, but files may have been deleted (retention); a
   * deleted name must never come back with other bytes.
   */
  void assertNoVersionedFileChangedOrReappeared(String step) {
    assertUnchanged(step, true);
  }

  private void assertUnchanged(String step, boolean deletionsAllowed) {
    Map<String, String> now = scan(store);
    for (Map.Entry<String, String> e : last.entrySet()) {
      if (e.getKey().equals(MetadataStore.TIMESTAMP)) {
        continue;
      }
      String current = now.get(e.getKey());
      if (current == null) {
        if (!deletionsAllowed) {
          fail(step + ": " + e.getKey() + " was deleted");
        }
        continue;
      }
      assertEquals(e.getValue(), current, step + ": " + e.getKey() + " changed");
    }
    for (Map.Entry<String, String> e : now.entrySet()) {
      String earlier = everSeen.putIfAbsent(e.getKey(), e.getValue());
      if (earlier != null && !e.getKey().equals(MetadataStore.TIMESTAMP)) {
        assertEquals(earlier, e.getValue(), step + ": " + e.getKey() + " came back changed");
      }
    }
    last = now;
  }

  Map<String, String> current() {
    return last;
  }
}
