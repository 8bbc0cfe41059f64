package dev.tufrepo.storage.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.MetadataStoreContract;
import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FileSystemMetadataStoreTest extends MetadataStoreContract {

  @Override
  protected MetadataStore newStore(Path tempDir) {
    return FileSystemMetadataStore.open(tempDir.resolve("metadata"));
  }

  private Path dir() {
    return tempDir.resolve("metadata");
  }

  private List<String> filesOnDisk() throws IOException {
    try (Stream<Path> files = Files.list(dir())) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writeVersioned_filesLandFlatInDirectory_noTemporaryFileLeft() throws IOException {
    store.writeVersioned(Map.of("1.root.json", "r".getBytes(UTF_8)));
    store.writeTimestamp("t".getBytes(UTF_8));
    assertEquals(List.of("1.root.json", "timestamp.json"), filesOnDisk());
    assertArrayEquals("r".getBytes(UTF_8), Files.readAllBytes(dir().resolve("1.root.json")));
  }

  @Test
  void writeGroup_unwritableFile_commitFailsNamingTheFile_noTemporaryFileLeft() throws IOException {
    Files.createDirectory(dir().resolve("2.bins-7.json")); // a directory cannot be renamed over
    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      group.add("2.bins-6.json", "six".getBytes(UTF_8));
      group.add("2.bins-7.json", "seven".getBytes(UTF_8));
      StorageException e = assertThrows(StorageException.class, group::commit);
      assertTrue(e.getMessage().contains("2.bins-7.json"), e.getMessage());
    }
    assertEquals(List.of("2.bins-6.json", "2.bins-7.json"), filesOnDisk());
  }

  @Test
  void writeGroup_withFsync_filesLandFlatInDirectory() throws IOException {
    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      group.add("4.bins-0.json", "a".getBytes(UTF_8));
      group.add("4.snapshot.json", "b".getBytes(UTF_8));
      group.commit();
    }
    assertEquals(List.of("4.bins-0.json", "4.snapshot.json"), filesOnDisk());
    assertArrayEquals("b".getBytes(UTF_8), Files.readAllBytes(dir().resolve("4.snapshot.json")));
  }

  @Test
  void writeGroup_nameSharingAnInodeWrittenAgain_otherNamesKeepTheirBytes() throws IOException {
    byte[] empty = "empty bin".getBytes(UTF_8);
    store.writeVersioned(
        new java.util.LinkedHashMap<>(Map.of("1.bins-0.json", empty, "1.bins-1.json", empty)));
    assertTrue(Files.isSameFile(dir().resolve("1.bins-0.json"), dir().resolve("1.bins-1.json")));

    try (MetadataStore.WriteGroup group = store.beginWrite()) {
      group.add("1.bins-0.json", "rewritten".getBytes(UTF_8));
      group.commit();
    }
    store.writeVersioned(Map.of("1.bins-1.json", "also rewritten".getBytes(UTF_8)));

    assertArrayEquals("rewritten".getBytes(UTF_8), store.read("1.bins-0.json").orElseThrow());
    assertArrayEquals("also rewritten".getBytes(UTF_8), store.read("1.bins-1.json").orElseThrow());
    assertEquals(List.of("1.bins-0.json", "1.bins-1.json"), filesOnDisk());
  }

  @Test
  void writeGroup_existingName_replacedByRename_openReaderKeepsOldBytes() throws IOException {
    store.writeVersioned(Map.of("3.bins-2.json", "old".getBytes(UTF_8)));
    try (var reader = Files.newInputStream(dir().resolve("3.bins-2.json"))) {
      try (MetadataStore.WriteGroup group = store.beginWrite()) {
        group.add("3.bins-2.json", "new, and longer".getBytes(UTF_8));
        group.commit();
      }
      assertArrayEquals("old".getBytes(UTF_8), reader.readAllBytes());
    }
    assertArrayEquals("new, and longer".getBytes(UTF_8), store.read("3.bins-2.json").orElseThrow());
    assertEquals(List.of("3.bins-2.json"), filesOnDisk());
  }

  @Test
  void list_leftoverTemporaryAndHiddenFiles_notListed() throws IOException {
    Files.write(dir().resolve(".tmp-abc-1"), new byte[] {1});
    Files.write(dir().resolve(".DS_Store"), new byte[] {1});
    Files.write(dir().resolve("not a name"), new byte[] {1});
    store.writeVersioned(Map.of("1.root.json", new byte[] {2}));
    assertEquals(List.of("1.root.json"), store.list());
  }

  @Test
  void open_staleTemporaryFiles_deletedButRecentOnesKept() throws IOException {
    Path stale = Files.write(dir().resolve(".tmp-crashed-1"), new byte[] {1});
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path recent = Files.write(dir().resolve(".tmp-other-writer-1"), new byte[] {1});

    FileSystemMetadataStore.open(dir()).close();

    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(recent));
  }

  @Test
  void invalidNames_neverTouchAnythingOutsideTheDirectory() throws IOException {
    for (String name : List.of("../escaped.json", "..", "sub/x.json", "/tmp/abs.json")) {
      assertThrows(
          IllegalArgumentException.class, () -> store.writeVersioned(Map.of(name, new byte[] {1})));
    }
    try (Stream<Path> files = Files.list(tempDir)) {
      assertEquals(List.of("metadata"), files.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals(List.of(), filesOnDisk());
  }

  @Test
  void writeVersioned_targetCannotBeReplaced_throwsStorageExceptionAndCleansTemporaryFiles()
      throws IOException {
    Files.createDirectory(dir().resolve("2.root.json"));
    Files.write(dir().resolve("2.root.json").resolve("x"), new byte[] {1});

    StorageException e =
        assertThrows(
            StorageException.class,
            () -> store.writeVersioned(Map.of("2.root.json", "new".getBytes(UTF_8))));

    assertTrue(e.getMessage().contains("2.root.json"), e.getMessage());
    assertEquals(List.of("2.root.json"), filesOnDisk());
  }

  @Test
  void open_missingDirectory_createdWithParents() {
    Path nested = tempDir.resolve("a").resolve("b");
    try (FileSystemMetadataStore created = FileSystemMetadataStore.open(nested)) {
      created.writeTimestamp(new byte[] {7});
      assertEquals(nested.toAbsolutePath(), created.directory());
    }
    assertTrue(Files.isRegularFile(nested.resolve("timestamp.json")));
  }

  @Test
  void fsyncOff_writesAndReadsTheSame() {
    try (FileSystemMetadataStore fast =
        FileSystemMetadataStore.builder(tempDir.resolve("fast")).fsync(false).build()) {
      fast.writeVersioned(Map.of("1.root.json", new byte[] {1}));
      fast.writeTimestamp(new byte[] {2});
      assertArrayEquals(new byte[] {1}, fast.read("1.root.json").orElseThrow());
      assertEquals(List.of("1.root.json", "timestamp.json"), fast.list());
    }
  }
}
