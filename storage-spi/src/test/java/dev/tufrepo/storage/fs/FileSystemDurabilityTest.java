package dev.tufrepo.storage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The durability barriers of {@link FileSystemMetadataStore} and how one is chosen. */
class FileSystemDurabilityTest {
  private static final SyncFs.Platform HERE = SyncFs.Platform.current();

  @TempDir Path tempDir;

  private Path dir() {
    return tempDir.resolve("metadata");
  }

  private static boolean syncfsAvailableIn(Path dir) throws IOException {
    Files.createDirectories(dir);
    return HERE.unsupported(dir).isEmpty();
  }

  private static byte[] content(int i) {
    byte[] bytes = new byte[8192 + i];
    for (int j = 0; j < bytes.length; j++) {
      bytes[j] = (byte) (i * 31 + j);
    }
    return bytes;
  }

  private static String bin(int i) {
    return String.format(Locale.ROOT, "3.bins-%03x.json", i);
  }

  private List<String> tempFilesLeft() throws IOException {
    try (Stream<Path> files = Files.list(dir())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  // ---- each barrier writes complete, readable groups

  @ParameterizedTest
  @EnumSource(Durability.class)
  void beginWrite_eachDurability_everyFileCompleteAfterCommitAndAfterReopen(Durability durability)
      throws Exception {
    assumeTrue(durability != Durability.SYNCFS || syncfsAvailableIn(dir()), "no syncfs here");
    int files = 300;
    try (FileSystemMetadataStore store =
            FileSystemMetadataStore.builder(dir()).durability(durability).build();
        MetadataStore.WriteGroup group = store.beginWrite()) {
      ExecutorService signers = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> adds = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          adds.add(
              signers.submit(
                  () -> {
                    for (int i = first; i < files; i += 4) {
                      group.add(bin(i), content(i));
                    }
                  }));
        }
        for (Future<?> add : adds) {
          add.get();
        }
      } finally {
        signers.shutdown();
      }
      group.add("2.root.json", "root".getBytes(UTF_8));
      group.commit();
    }
    try (FileSystemMetadataStore reopened = FileSystemMetadataStore.open(dir())) {
      assertEquals(files + 1, reopened.list().size());
      for (int i = 0; i < files; i++) {
        assertArrayEquals(content(i), reopened.read(bin(i)).orElseThrow(), bin(i));
      }
      assertArrayEquals("root".getBytes(UTF_8), reopened.read("2.root.json").orElseThrow());
    }
    assertEquals(List.of(), tempFilesLeft());
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void writeVersioned_eachDurability_identicalArraysShareOneFileAndAllAreReadable(
      Durability durability) throws IOException {
    assumeTrue(durability != Durability.SYNCFS || syncfsAvailableIn(dir()), "no syncfs here");
    byte[] empty = "{\"empty\":true}".getBytes(UTF_8);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("1.root.json", "root".getBytes(UTF_8));
    for (int i = 0; i < 64; i++) {
      files.put(String.format(Locale.ROOT, "1.bins-%02x.json", i), empty);
    }
    try (FileSystemMetadataStore store =
        FileSystemMetadataStore.builder(dir()).durability(durability).build()) {
      store.writeVersioned(files);
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        assertArrayEquals(e.getValue(), store.read(e.getKey()).orElseThrow(), e.getKey());
      }
    }
    assertTrue(Files.isSameFile(dir().resolve("1.bins-00.json"), dir().resolve("1.bins-3f.json")));
    assertEquals(List.of(), tempFilesLeft());
  }

  @Test
  void open_default_usesSyncfsWhereAvailableElseForcesEachFile() throws IOException {
    Durability expected = syncfsAvailableIn(dir()) ? Durability.SYNCFS : Durability.FORCE_EACH;
    try (FileSystemMetadataStore store = FileSystemMetadataStore.open(dir())) {
      assertEquals(Optional.of(expected), store.durability());
      String described = store.toString();
      assertTrue(
          described.contains(expected == Durability.SYNCFS ? "syncfs" : "force each"), described);
    }
  }

  @Test
  void fsyncOff_noBarrierWhateverTheDurability() {
    try (FileSystemMetadataStore store =
        FileSystemMetadataStore.builder(dir())
            .fsync(false)
            .durability(Durability.SYNCFS)
            .platform(new SyncFs.Platform("Windows 11", "10.0", d -> Optional.empty()))
            .build()) {
      assertEquals(Optional.empty(), store.durability());
      assertTrue(store.toString().contains("fsync off"), store.toString());
    }
  }

  // ---- a failed barrier fails the group

  @Test
  void forceEach_fileRemovedBeforeCommit_commitThrowsNamingTheFileAndDirectory()
      throws IOException {
    // A file of the group that vanished before the barrier (another process cleaning the
    // directory) cannot be made durable: the group must fail, so that the publish does too.
    try (FileSystemMetadataStore store =
            FileSystemMetadataStore.builder(dir())
                .durability(Durability.FORCE_EACH)
                .ioExecutor(Runnable::run) // each add() writes before it returns
                .build();
        MetadataStore.WriteGroup group = store.beginWrite()) {
      group.add("5.bins-1.json", "one".getBytes(UTF_8));
      group.add("5.bins-2.json", "two".getBytes(UTF_8));
      Files.delete(dir().resolve("5.bins-2.json"));

      StorageException e = assertThrows(StorageException.class, group::commit);

      assertTrue(e.getMessage().contains(dir().toAbsolutePath().toString()), e.getMessage());
      assertTrue(e.getMessage().contains("5.bins-2.json"), e.getMessage());
      assertTrue(e.getMessage().contains("force each file"), e.getMessage());
    }
  }

  @Test
  void syncfs_directoryGoneBeforeGroupStarts_commitThrowsNamingDirectoryAndErrno()
      throws IOException {
    assumeTrue(syncfsAvailableIn(dir()), "no syncfs here");
    Path gone = tempDir.resolve("gone");
    try (Barrier barrier = new Barrier(gone, Durability.SYNCFS, null)) {
      StorageException e =
          assertThrows(
              StorageException.class, () -> barrier.complete(List.of(gone.resolve("1.a.json"))));
      assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("errno 2"), e.getMessage()); // ENOENT
    }
  }

  @Test
  void syncfs_callFails_ioExceptionNamesDirectoryAndErrno() throws IOException {
    assumeTrue(syncfsAvailableIn(dir()), "no syncfs here");
    int fd = SyncFs.open(dir());
    SyncFs.close(fd);
    IOException e = assertThrows(IOException.class, () -> SyncFs.sync(fd, dir()));
    assertTrue(e.getMessage().contains(dir().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("errno 9"), e.getMessage()); // EBADF
  }

  @Test
  void syncfsGroup_commitAfterCommit_stillSucceedsAndCloseReleasesDescriptor() throws IOException {
    assumeTrue(syncfsAvailableIn(dir()), "no syncfs here");
    try (FileSystemMetadataStore store =
        FileSystemMetadataStore.builder(dir()).durability(Durability.SYNCFS).build()) {
      for (int round = 0; round < 50; round++) {
        try (MetadataStore.WriteGroup group = store.beginWrite()) {
          group.add(round + ".snapshot.json", new byte[] {(byte) round});
          group.commit();
        }
      }
      assertEquals(50, store.list().size());
    }
  }

  // ---- early write-back

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Writes {@code files} files of about 8 kB in one group and commits; returns their contents. */
  private static Map<String, byte[]> writeGroup(
      FileSystemMetadataStore store, int round, int files) {
    Map<String, byte[]> written = new LinkedHashMap<>();
    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      for (int i = 0; i < files; i++) {
        String name = String.format(Locale.ROOT, "%d.bins-%03x.json", round, i);
        byte[] bytes = content(round * files + i);
        group.add(name, bytes);
        written.put(name, bytes);
      }
      group.commit();
    }
    return written;
  }

  @Test
  void syncfsGroup_pastTheWriteBackThreshold_startsEarlyWriteBacks_everyFileCommittedWhole()
      throws IOException {
    assumeTrue(syncfsAvailableIn(dir()), "no syncfs here");
    long fdsBefore = openDescriptors();
    Map<String, byte[]> written = new LinkedHashMap<>();
    try (FileSystemMetadataStore store =
        FileSystemMetadataStore.builder(dir())
            .durability(Durability.SYNCFS)
            .earlyWriteBackBytes(64 << 10)
            .build()) {
      for (int round = 1; round <= 10; round++) {
        written.putAll(writeGroup(store, round, 200)); // 1.6 MB each: many thresholds crossed
      }
      assertTrue(store.writeBacksStarted() >= 10, "started " + store.writeBacksStarted());
      assertTrue(store.toString().contains("early write-back every 65536 bytes"), store.toString());
      for (Map.Entry<String, byte[]> e : written.entrySet()) {
        assertArrayEquals(e.getValue(), store.read(e.getKey()).orElseThrow(), e.getKey());
      }
    }
    // every group closed its descriptors (the barrier's and the early write-backs'): a leak would
    // leave at least one per group, ten; the JVM may open one or two of its own meanwhile (once,
    // in CI, a jar or library it loaded lazily)
    long more = openDescriptors() - fdsBefore;
    assertTrue(more < 5, more + " more descriptors open after 10 groups");
  }

  @Test
  void syncfsGroup_belowTheThresholdOrWithItOff_noEarlyWriteBack() throws IOException {
    assumeTrue(syncfsAvailableIn(dir()), "no syncfs here");
    try (FileSystemMetadataStore byDefault =
        FileSystemMetadataStore.builder(dir()).durability(Durability.SYNCFS).build()) {
      writeGroup(byDefault, 1, 100); // 0.8 MB, under the default 1 MiB
      assertEquals(0, byDefault.writeBacksStarted());
    }
    try (FileSystemMetadataStore off =
        FileSystemMetadataStore.builder(dir())
            .durability(Durability.SYNCFS)
            .earlyWriteBackBytes(0)
            .build()) {
      writeGroup(off, 2, 200);
      assertEquals(0, off.writeBacksStarted());
      assertTrue(off.toString().contains("no early write-back"), off.toString());
    }
  }

  @Test
  void earlyWriteBackBytes_negative_refused() {
    FileSystemMetadataStore.Builder b = FileSystemMetadataStore.builder(dir());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.earlyWriteBackBytes(-1));
    assertTrue(e.getMessage().contains("earlyWriteBackBytes"), e.getMessage());
  }

  // ---- choosing the barrier

  private static SyncFs.Platform platform(String os, String version, AtomicInteger probes) {
    return new SyncFs.Platform(
        os,
        version,
        d -> {
          probes.incrementAndGet();
          return Optional.empty();
        });
  }

  @Test
  void auto_notLinux_forcesEachFileWithoutProbing() {
    AtomicInteger probes = new AtomicInteger();
    assertEquals(
        Durability.FORCE_EACH,
        Barrier.choose(Durability.AUTO, dir(), platform("Mac OS X", "14.5", probes)));
    assertEquals(0, probes.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"5.7.19", "4.19.0-26-amd64", "3.10.0-1160.el7.x86_64", "2.6"})
  void auto_linuxOlderThan5_8_forcesEachFile(String kernel) {
    AtomicInteger probes = new AtomicInteger();
    assertEquals(
        Durability.FORCE_EACH,
        Barrier.choose(Durability.AUTO, dir(), platform("Linux", kernel, probes)));
    assertEquals(0, probes.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"5.8.0", "5.15.0-91-generic", "6.18.44-fc-v657", "10.0"})
  void auto_linux5_8OrLaterAndProbeSucceeds_usesSyncfs(String kernel) {
    AtomicInteger probes = new AtomicInteger();
    assertEquals(
        Durability.SYNCFS,
        Barrier.choose(Durability.AUTO, dir(), platform("Linux", kernel, probes)));
    assertEquals(1, probes.get());
  }

  @Test
  void auto_probeFails_forcesEachFile() {
    SyncFs.Platform noJna =
        new SyncFs.Platform("Linux", "6.1.0", d -> Optional.of("JNA cannot call syncfs(2)"));
    assertEquals(Durability.FORCE_EACH, Barrier.choose(Durability.AUTO, dir(), noJna));
  }

  @Test
  void auto_unparsableKernelVersion_forcesEachFile() {
    assertEquals(
        Optional.of("cannot tell the Linux kernel version from \"unknown\""),
        SyncFs.unsupportedOs("Linux", "unknown"));
  }

  @Test
  void syncfsRequested_oldKernel_buildFailsSayingWhy() {
    FileSystemMetadataStore.Builder builder =
        FileSystemMetadataStore.builder(dir())
            .durability(Durability.SYNCFS)
            .platform(platform("Linux", "5.4.0-150-generic", new AtomicInteger()));

    StorageException e = assertThrows(StorageException.class, builder::build);

    assertTrue(e.getMessage().contains("SYNCFS is not available"), e.getMessage());
    assertTrue(e.getMessage().contains("Linux 5.4 is older than 5.8"), e.getMessage());
    assertTrue(e.getMessage().contains(dir().toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void syncfsRequested_notLinux_buildFailsSayingWhy() {
    FileSystemMetadataStore.Builder builder =
        FileSystemMetadataStore.builder(dir())
            .durability(Durability.SYNCFS)
            .platform(platform("Windows Server 2022", "10.0", new AtomicInteger()));

    StorageException e = assertThrows(StorageException.class, builder::build);

    assertTrue(e.getMessage().contains("Linux only, this is Windows Server 2022"), e.getMessage());
  }

  @Test
  void forceEachRequested_neverProbes() {
    AtomicInteger probes = new AtomicInteger();
    try (FileSystemMetadataStore store =
        FileSystemMetadataStore.builder(dir())
            .durability(Durability.FORCE_EACH)
            .forceThreads(3)
            .platform(platform("Linux", "6.1.0", probes))
            .build()) {
      assertEquals(Optional.of(Durability.FORCE_EACH), store.durability());
      assertTrue(store.toString().contains("force each file on 3 threads"), store.toString());
    }
    assertEquals(0, probes.get());
  }

  @Test
  void probe_fileSystemNotKnownToSync_refused() {
    Path proc = Path.of("/proc");
    assumeTrue(Files.isDirectory(proc.resolve("self")), "no procfs here");
    Optional<String> why = SyncFs.probe(proc);
    assertTrue(why.isPresent());
    assertTrue(why.get().contains("\"proc\""), why.get());
  }

  @Test
  void probe_linuxLocalFileSystem_succeeds() throws IOException {
    assumeTrue(SyncFs.unsupportedOs(HERE.osName(), HERE.osVersion()).isEmpty(), "not Linux 5.8+");
    Files.createDirectories(dir());
    assumeTrue(
        SyncFs.FILE_SYSTEMS.contains(Files.getFileStore(dir()).type()), "unusual file system");
    assertEquals(Optional.empty(), SyncFs.probe(dir()));
  }

  @Test
  void threadCounts_belowOne_refused() {
    FileSystemMetadataStore.Builder builder = FileSystemMetadataStore.builder(dir());
    assertThrows(IllegalArgumentException.class, () -> builder.forceThreads(0));
    assertThrows(IllegalArgumentException.class, () -> builder.ioThreads(0));
    assertFalse(Files.exists(dir()));
  }
}
