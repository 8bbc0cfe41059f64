package dev.tufrepo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.storage.MetadataStore;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheWarmUpTest {
  @TempDir Path dir;

  /** Counts reads of bin files, the reads a publish makes for bins its cache does not hold. */
  private static final class CountingStore extends ForwardingMetadataStore {
    final AtomicInteger binReads = new AtomicInteger();

    CountingStore(MetadataStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<byte[]> read(String name) {
      if (name.contains(".bins-")) {
        binReads.incrementAndGet();
      }
      return delegate.read(name);
    }
  }

  private static RepositoryEngine.Builder builder(TestRepository repo, MetadataStore store) {
    return RepositoryEngine.builder()
        .metadataStore(store)
        .stateStore(repo.state)
        .keyVault(repo.vault)
        .clock(repo.clock);
  }

  /** Bootstraps 64 bins, publishes {@code artifacts}, closes; the store to reopen it with. */
  private static CountingStore published(TestRepository repo, int artifacts) {
    try (RepositoryEngine engine = repo.engine()) {
      engine.bootstrap(repo.bootstrapRequest(64));
      engine.submit(ArtifactBatch.add(TestRepository.artifacts("a", 0, artifacts)));
      engine.publish();
    }
    return new CountingStore(repo.metadata);
  }

  @Test
  void bootstrap_firstPublish_readsNoBinBack() throws Exception {
    try (TestRepository repo = new TestRepository(dir)) {
      CountingStore counting = new CountingStore(repo.metadata);
      try (RepositoryEngine engine = builder(repo, counting).build()) {
        engine.bootstrap(repo.bootstrapRequest(64));
        engine.submit(ArtifactBatch.add(TestRepository.artifacts("a", 0, 2_000)));
        PublishResult r = engine.publish();
        assertEquals(2_000, r.added());
        assertEquals(0, counting.binReads.get(), "the new, empty bins were known");
      }
      assertTrue(repo.verify().ok(), "a valid repository");
    }
  }

  @Test
  void reopen_publishedRepository_warmUpReadsEveryBinOnceAndPublishReadsNone() throws Exception {
    try (TestRepository repo = new TestRepository(dir)) {
      CountingStore counting = published(repo, 2_000);
      try (RepositoryEngine engine = builder(repo, counting).build()) {
        engine.cacheWarmUp().get(30, TimeUnit.SECONDS);
        assertEquals(64, counting.binReads.get(), "every bin read once by the warm-up");
        engine.submit(ArtifactBatch.add(TestRepository.artifacts("b", 0, 500)));
        PublishResult r = engine.publish();
        assertEquals(500, r.added());
        assertEquals(64, counting.binReads.get(), "the publish found every bin in the cache");
      }
      assertTrue(repo.verify().ok(), "still a valid repository");
    }
  }

  @Test
  void reopen_warmCacheOff_publishReadsTheBinsItTouches() throws Exception {
    try (TestRepository repo = new TestRepository(dir)) {
      CountingStore counting = published(repo, 2_000);
      try (RepositoryEngine engine = builder(repo, counting).warmCache(false).build()) {
        engine.cacheWarmUp().get(30, TimeUnit.SECONDS);
        assertEquals(0, counting.binReads.get());
        engine.submit(ArtifactBatch.add(TestRepository.artifacts("b", 0, 3)));
        engine.publish();
        int read = counting.binReads.get();
        assertTrue(read >= 1 && read <= 3, "only the touched bins are read: " + read);
      }
    }
  }

  @Test
  void warmUp_cacheSmallerThanRepository_stopsWhenFull() throws Exception {
    try (TestRepository repo = new TestRepository(dir)) {
      CountingStore counting = published(repo, 6_400);
      // about 100 targets a bin: a cache of 1,000 targets is full after about 10 bins
      try (RepositoryEngine engine = builder(repo, counting).cacheTargets(1_000).build()) {
        engine.cacheWarmUp().get(30, TimeUnit.SECONDS);
        int read = counting.binReads.get();
        assertTrue(read >= 9 && read <= 12, "stopped when full: " + read);
      }
    }
  }
}
