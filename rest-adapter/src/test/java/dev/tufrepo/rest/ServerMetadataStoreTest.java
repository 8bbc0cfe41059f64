package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the server's metadata store makes a publish durable. */
class ServerMetadataStoreTest {
  @TempDir Path dir;

  @Test
  void earlyWriteBack_offByDefault_andTheSettingReachesTheStore() {
    try (ServerFixture f = new ServerFixture(dir.resolve("default"))) {
      String store = f.server.metadataStore().toString();
      // only a syncfs barrier writes back early; elsewhere each file is forced at the commit
      assumeTrue(store.contains("syncfs"), "no syncfs barrier here: " + store);
      assertTrue(store.contains("no early write-back"), store);
    }
    try (ServerFixture f =
        new ServerFixture(dir.resolve("set"), b -> b.earlyWriteBackBytes(64 << 10))) {
      String store = f.server.metadataStore().toString();
      assertTrue(store.contains("early write-back every 65536 bytes"), store);
    }
  }
}
