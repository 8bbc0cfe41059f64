package dev.tufrepo.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link MetadataStore} backend must have. A backend's test extends this class
 * and opens its store in {@link #newStore(Path)}; calling it again with the same directory must
 * open the same stored data (a reopen).
 */
public abstract class MetadataStoreContract {

  @TempDir protected Path tempDir;

  /** The store under test, opened before each test and closed after it. */
  protected MetadataStore store;

  /**
   * Opens the backend's store whose data lives in (or is keyed by) {@code tempDir}. Opening twice
   * with the same directory must give the same data.
   */
  protected abstract MetadataStore newStore(Path tempDir);

  @BeforeEach
  void openStore() {
    store = newStore(tempDir);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  // ---- read and write

  @Test
  void read_missingFile_returnsEmpty() {
    assertEquals(Optional.empty(), store.read("1.root.json"));
    assertEquals(Optional.empty(), store.read(MetadataStore.TIMESTAMP));
  }

  @Test
  void writeVersioned_thenRead_returnsSameBytes() {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    Map<String, byte[]> files = new HashMap<>();
    files.put("1.root.json", bytes("{\"root\":1}"));
    files.put("7.bins-0a.json", big);
    files.put("3.empty.json", new byte[0]);

    store.writeVersioned(files);

    assertArrayEquals(bytes("{\"root\":1}"), store.read("1.root.json").orElseThrow());
    assertArrayEquals(big, store.read("7.bins-0a.json").orElseThrow());
    assertArrayEquals(new byte[0], store.read("3.empty.json").orElseThrow());
  }

  @Test
  void writeVersioned_emptyGroup_writesNothing() {
    store.writeVersioned(Map.of());
    assertEquals(List.of(), store.list());
  }

  @Test
  void writeVersioned_nameWrittenAgainBeforePublish_replacesBytes() {
    store.writeVersioned(Map.of("2.snapshot.json", bytes("crashed publish, longer content")));
    store.writeVersioned(Map.of("2.snapshot.json", bytes("retry")));
    assertArrayEquals(bytes("retry"), store.read("2.snapshot.json").orElseThrow());
  }

  @Test
  void writeVersioned_thousandsOfFiles_everyFileReadable() {
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < 2048; i++) {
      files.put(String.format("1.bins-%03x.json", i), bytes("bin " + i + " ".repeat(400)));
    }
    store.writeVersioned(files);
    files.forEach((name, content) -> assertArrayEquals(content, store.read(name).orElseThrow()));
    assertEquals(List.copyOf(files.keySet()), store.list());
  }

  @Test
  void writeVersioned_invalidNameInGroup_refusedBeforeAnyFileIsWritten() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("1.root.json", bytes("ok"));
    files.put("../escape.json", bytes("bad"));
    files.put("2.root.json", bytes("ok"));

    assertThrows(IllegalArgumentException.class, () -> store.writeVersioned(files));
    assertEquals(List.of(), store.list());
  }

  @Test
  void writeVersioned_nullBytes_refused() {
    Map<String, byte[]> files = new HashMap<>();
    files.put("1.root.json", null);
    assertThrows(NullPointerException.class, () -> store.writeVersioned(files));
    assertThrows(NullPointerException.class, () -> store.writeVersioned(null));
  }

  @Test
  void writeVersioned_callerChangesArrayAfterwards_storedBytesUnchanged() {
    byte[] content = bytes("original");
    store.writeVersioned(Map.of("1.targets.json", content));
    Arrays.fill(content, (byte) 'x');
    assertArrayEquals(bytes("original"), store.read("1.targets.json").orElseThrow());
  }

  @Test
  void read_callerChangesReturnedArray_storedBytesUnchanged() {
    store.writeVersioned(Map.of("1.targets.json", bytes("original")));
    Arrays.fill(store.read("1.targets.json").orElseThrow(), (byte) 'x');
    assertArrayEquals(bytes("original"), store.read("1.targets.json").orElseThrow());
  }

  @Test
  void writeVersioned_concurrentWriters_everyFileWritten() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int writer = t;
        writes.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    Map<String, byte[]> group = new HashMap<>();
                    for (int j = 0; j < 4; j++) {
                      String name = String.format("%d.bins-%d-%d.json", writer + 1, i, j);
                      group.put(name, bytes(name));
                    }
                    store.writeVersioned(group);
                  }
                }));
      }
      for (Future<?> write : writes) {
        write.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> names = store.list();
    assertEquals(4 * 25 * 4, names.size());
    for (String name : names) {
      assertArrayEquals(bytes(name), store.read(name).orElseThrow());
    }
  }

  // ---- write groups

  @Test
  void writeGroup_filesAddedFromManyThreads_allReadableAfterCommit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Map<String, byte[]> expected = new java.util.concurrent.ConcurrentHashMap<>();
    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      List<Future<?>> adds = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int writer = t;
        adds.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    String name = String.format("3.bins-%d-%03d.json", writer, i);
                    byte[] content = bytes(name + " ".repeat(i));
                    expected.put(name, content);
                    group.add(name, content);
                  }
                }));
      }
      for (Future<?> add : adds) {
        add.get(60, TimeUnit.SECONDS);
      }
      group.commit();
    } finally {
      pool.shutdownNow();
    }
    assertEquals(800, store.list().size());
    expected.forEach((name, content) -> assertArrayEquals(content, store.read(name).orElseThrow()));
  }

  @Test
  void writeGroup_nameWrittenByAnUncommittedGroup_replacedByTheNextGroup() {
    try (MetadataStore.WriteGroup crashed = store.beginWrite()) {
      crashed.add("5.bins-1.json", bytes("never published, longer content"));
    }
    try (MetadataStore.WriteGroup retry = store.beginWrite()) {
      retry.add("5.bins-1.json", bytes("retry"));
      retry.commit();
    }
    assertArrayEquals(bytes("retry"), store.read("5.bins-1.json").orElseThrow());
  }

  @Test
  void writeGroup_emptyGroup_commitWritesNothing() {
    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      group.commit();
    }
    assertEquals(List.of(), store.list());
  }

  @Test
  void writeGroup_invalidNameOrNullBytes_refused() {
    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      assertThrows(IllegalArgumentException.class, () -> group.add("../escape.json", bytes("x")));
      assertThrows(NullPointerException.class, () -> group.add("1.root.json", null));
      group.commit();
    }
    assertEquals(List.of(), store.list());
  }

  // ---- timestamp

  @Test
  void writeTimestamp_thenRead_returnsLatestBytes() {
    store.writeTimestamp(bytes("{\"version\":1}"));
    store.writeTimestamp(bytes("{\"version\":2}"));
    assertArrayEquals(bytes("{\"version\":2}"), store.read(MetadataStore.TIMESTAMP).orElseThrow());
  }

  @Test
  void writeTimestamp_whileReadersRead_readersNeverSeePartialOrEmptyFile() throws Exception {
    // Version v is v+1 KiB of the byte v: a reader can tell a whole file from a torn one.
    int versions = 60;
    store.writeTimestamp(timestampVersion(0));
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> problem = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      Thread reader =
          new Thread(
              () -> {
                while (!done.get() && problem.get() == null) {
                  Optional<byte[]> read = store.read(MetadataStore.TIMESTAMP);
                  reads.incrementAndGet();
                  String error = checkTimestampVersion(read);
                  if (error != null) {
                    problem.compareAndSet(null, error);
                  }
                }
              });
      reader.start();
      readers.add(reader);
    }
    try {
      for (int v = 1; v < versions && problem.get() == null; v++) {
        store.writeTimestamp(timestampVersion(v));
      }
    } finally {
      done.set(true);
      for (Thread reader : readers) {
        reader.join(30_000);
      }
    }
    assertEquals(null, problem.get());
    assertTrue(reads.get() > 0, "readers read");
    assertEquals(
        null,
        checkTimestampVersion(Optional.of(store.read(MetadataStore.TIMESTAMP).orElseThrow())));
  }

  private static byte[] timestampVersion(int v) {
    byte[] content = new byte[(v + 1) * 1024];
    Arrays.fill(content, (byte) v);
    return content;
  }

  private static String checkTimestampVersion(Optional<byte[]> read) {
    if (read.isEmpty()) {
      return "timestamp.json was missing";
    }
    byte[] content = read.get();
    if (content.length == 0) {
      return "timestamp.json was empty";
    }
    int v = content[0];
    if (content.length != (v + 1) * 1024) {
      return "timestamp.json version " + v + " had " + content.length + " bytes";
    }
    for (byte b : content) {
      if (b != v) {
        return "timestamp.json version " + v + " held bytes of another version";
      }
    }
    return null;
  }

  // ---- list and delete

  @Test
  void list_emptyStore_returnsNothing() {
    assertEquals(List.of(), store.list());
  }

  @Test
  void list_afterWrites_returnsExactlyTheWrittenNamesSorted() {
    store.writeVersioned(Map.of("2.root.json", bytes("b"), "10.bins-1.json", bytes("c")));
    store.writeTimestamp(bytes("t"));
    store.writeVersioned(Map.of("1.root.json", bytes("a")));

    assertEquals(
        List.of("1.root.json", "10.bins-1.json", "2.root.json", MetadataStore.TIMESTAMP),
        store.list());
  }

  @Test
  void delete_existingFile_removesOnlyThatFile() {
    store.writeVersioned(Map.of("1.root.json", bytes("a"), "2.root.json", bytes("b")));
    store.delete("1.root.json");
    assertEquals(Optional.empty(), store.read("1.root.json"));
    assertEquals(List.of("2.root.json"), store.list());
  }

  @Test
  void delete_missingFile_doesNothing() {
    store.delete("9.root.json");
    assertEquals(List.of(), store.list());
  }

  // ---- names

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../x",
        "a/b",
        "",
        ".hidden",
        "..",
        ".",
        "a\\b",
        "/etc/passwd",
        "1..root.json",
        "a b",
        "-leading-dash",
        "\u00e9.json",
        "x\u0000y"
      })
  void invalidName_refusedByEveryOperation(String name) {
    assertThrows(IllegalArgumentException.class, () -> store.read(name));
    assertThrows(IllegalArgumentException.class, () -> store.delete(name));
    assertThrows(
        IllegalArgumentException.class, () -> store.writeVersioned(Map.of(name, bytes("x"))));
    assertEquals(List.of(), store.list());
  }

  @Test
  void nullName_refusedByEveryOperation() {
    assertThrows(IllegalArgumentException.class, () -> store.read(null));
    assertThrows(IllegalArgumentException.class, () -> store.delete(null));
  }

  @Test
  void tooLongName_refused() {
    String name = "1." + "a".repeat(250) + ".json";
    assertThrows(IllegalArgumentException.class, () -> store.read(name));
  }

  // ---- lifecycle

  @Test
  void reopen_seesEveryWrittenFile() {
    store.writeVersioned(Map.of("1.root.json", bytes("root")));
    store.writeTimestamp(bytes("ts"));
    store.close();

    store = newStore(tempDir);

    assertArrayEquals(bytes("root"), store.read("1.root.json").orElseThrow());
    assertArrayEquals(bytes("ts"), store.read(MetadataStore.TIMESTAMP).orElseThrow());
    assertEquals(List.of("1.root.json", MetadataStore.TIMESTAMP), store.list());
  }

  @Test
  void close_calledTwice_isHarmless() {
    store.close();
    store.close();
    store = newStore(tempDir);
  }
}
