package dev.tufrepo.cli;

import dev.tufrepo.engine.EngineListener;
import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.keyvault.FileKeyVault;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.embedded.QueueLogStateStore;
import java.nio.file.Path;

/**
 * A repository in a directory, laid out as the server lays it out: {@code metadata/} (published
 * files), {@code state/} (the embedded database) and {@code keys/} (online key files).
 */
final class LocalRepo implements AutoCloseable {
  final Path dir;
  final MetadataStore metadata;
  final StateStore state;
  final KeyVault keys;
  final RepositoryEngine engine;

  private LocalRepo(Path dir, EngineListener listener, long cacheTargets) {
    this.dir = dir;
    MetadataStore m = null;
    StateStore s = null;
    KeyVault k = null;
    try {
      m = new ParallelSyncMetadataStore(dir.resolve("metadata"));
      s = QueueLogStateStore.h2(dir.resolve("state"), true);
      k = FileKeyVault.of(dir.resolve("keys"));
      // one command, one operation: no background warm-up of the artifact cache
      RepositoryEngine.Builder b =
          RepositoryEngine.builder()
              .metadataStore(m)
              .stateStore(s)
              .keyVault(k)
              .listener(listener)
              .warmCache(false);
      if (cacheTargets > 0) {
        b.cacheTargets(cacheTargets);
      }
      this.engine = b.build();
    } catch (RuntimeException e) {
      closeQuietly(s);
      closeQuietly(m);
      closeQuietly(k);
      throw e;
    }
    this.metadata = m;
    this.state = s;
    this.keys = k;
  }

  static LocalRepo open(Path dir) {
    return new LocalRepo(dir, EngineListener.NONE, 0);
  }

  static LocalRepo open(Path dir, EngineListener listener, long cacheTargets) {
    return new LocalRepo(dir, listener, cacheTargets);
  }

  /** Opens a repository that must already be bootstrapped. */
  static LocalRepo openBootstrapped(Path dir) {
    return openBootstrapped(dir, EngineListener.NONE, 0);
  }

  static LocalRepo openBootstrapped(Path dir, EngineListener listener, long cacheTargets) {
    if (!java.nio.file.Files.isDirectory(dir.resolve("state"))) {
      throw CliException.invalid(
          "repo: "
              + dir
              + " is not a tufrepo repository (no state/); run tufrepo repo init --repo "
              + dir);
    }
    LocalRepo r = open(dir, listener, cacheTargets);
    if (!r.engine.isBootstrapped()) {
      r.close();
      throw CliException.invalid(
          "repo: " + dir + " is not bootstrapped; run tufrepo repo init --repo " + dir);
    }
    return r;
  }

  @Override
  public void close() {
    closeQuietly(engine);
    closeQuietly(state);
    closeQuietly(metadata);
    closeQuietly(keys);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing after the work is done or failed: nothing more to report
      }
    }
  }
}
