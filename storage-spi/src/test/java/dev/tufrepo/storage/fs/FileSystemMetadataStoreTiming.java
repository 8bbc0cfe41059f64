package dev.tufrepo.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Times a bootstrap-sized publish: 16,384 bins of 400 bytes in one {@code writeVersioned}, with
 * fsync on and off. Not a regular test (it measures the disk, not the code): run it with {@code mvn
 * -pl storage-spi test -Dtest=FileSystemMetadataStoreTiming -Dtufrepo.timing=true}. Set {@code
 * -Dtufrepo.timing.dir=...} to measure another file system than the temporary directory's.
 */
@EnabledIfSystemProperty(named = "tufrepo.timing", matches = "true")
class FileSystemMetadataStoreTiming {
  private static final int FILES = 16_384;
  private static final int SIZE = 400;
  private static final int ROUNDS = 3;

  @TempDir Path tempDir;

  @Test
  void writeVersioned_16384Files_fsyncOnAndOff() {
    Path base = Path.of(System.getProperty("tufrepo.timing.dir", tempDir.toString()));
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < FILES; i++) {
      byte[] bytes = new byte[SIZE];
      bytes[0] = (byte) i;
      files.put(String.format(Locale.ROOT, "1.bins-%04x.json", i), bytes);
    }
    for (int round = 1; round <= ROUNDS; round++) {
      for (boolean fsync : new boolean[] {false, true}) {
        Path dir = base.resolve("timing-" + round + "-" + fsync);
        try (FileSystemMetadataStore store =
            FileSystemMetadataStore.builder(dir).fsync(fsync).build()) {
          long start = System.nanoTime();
          store.writeVersioned(files);
          long millis = (System.nanoTime() - start) / 1_000_000;
          System.out.printf(
              Locale.ROOT,
              "round %d: %d files of %d bytes, fsync %-5s: %6d ms (%.0f files/s)%n",
              round,
              FILES,
              SIZE,
              fsync,
              millis,
              FILES * 1000.0 / Math.max(1, millis));
          assertEquals(FILES, store.list().size());
        }
      }
    }
  }
}
