package dev.tufrepo.engine;

import dev.tufrepo.engine.internal.ArtifactRules;
import dev.tufrepo.engine.internal.BatchCodec;
import dev.tufrepo.engine.internal.BinCache;
import dev.tufrepo.engine.internal.Bootstrapper;
import dev.tufrepo.engine.internal.Publisher;
import dev.tufrepo.engine.internal.RepoState;
import dev.tufrepo.engine.internal.SettingKeys;
import dev.tufrepo.engine.internal.StateLoader;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Signer;
import dev.tufrepo.storage.Lease;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import java.lang.ref.SoftReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The repository engine: RSTUF's worker as a library.
 *
 * <pre>{@code
 * try (RepositoryEngine engine = RepositoryEngine.builder()
 *     .metadataStore(FileSystemMetadataStore.open(dir.resolve("metadata")))
 *     .stateStore(JdbcStateStore.h2(dir))
 *     .keyVault(FileKeyVault.of(keyDir))
 *     .autoPublish(Duration.ofSeconds(1))
 *     .build()) {
 *   engine.bootstrap(new BootstrapRequest(rootJson, days, 256));
 *   String task = engine.submit(ArtifactBatch.add(artifacts));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Submissions are durable when {@link #submit} returns; one publish runs at a time
 * per repository (an in-JVM lock plus the state store's fenced lease, so several nodes can share
 * one state store).
 */
public final class RepositoryEngine implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RepositoryEngine.class.getName());
  static final String LEASE = "publish";

  /** The group commit window of {@link Builder#autoPublish()}. */
  public static final Duration DEFAULT_GROUP_COMMIT_WINDOW = Duration.ofSeconds(1);

  private final MetadataStore metadataStore;
  private final StateStore stateStore;
  private final KeyVault keyVault;
  private final Clock clock;
  private final ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final EngineListener listener;
  private final Duration autoPublish;
  private final Duration leaseTtl;
  private final int maxBatchesPerPublish;
  private final Publisher publisher;
  private final BinCache cache;
  private final String nodeId;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, SoftReference<ArtifactBatch>> accepted = new ConcurrentHashMap<>();
  private final AtomicBoolean publishScheduled = new AtomicBoolean();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private volatile RepoState state;
  private volatile Signer signer;
  private volatile boolean closed;

  private RepositoryEngine(Builder b) {
    this.metadataStore = Objects.requireNonNull(b.metadataStore, "metadataStore");
    this.stateStore = Objects.requireNonNull(b.stateStore, "stateStore");
    this.keyVault = Objects.requireNonNull(b.keyVault, "keyVault");
    this.clock = b.clock;
    this.listener = b.listener;
    this.autoPublish = b.autoPublish;
    this.leaseTtl = b.leaseTtl;
    this.maxBatchesPerPublish = b.maxBatchesPerPublish;
    this.nodeId = b.nodeId != null ? b.nodeId : UUID.randomUUID().toString();
    int parallelism = b.parallelism;
    java.util.concurrent.Executor executor = b.executor;
    if (executor == null) {
      ownedExecutor = Executors.newFixedThreadPool(parallelism, daemon("tufrepo-sign"));
      executor = ownedExecutor;
    } else {
      ownedExecutor = null;
    }
    if (b.scheduler == null) {
      scheduler = Executors.newScheduledThreadPool(2, daemon("tufrepo-scheduler"));
      ownsScheduler = true;
    } else {
      scheduler = b.scheduler;
      ownsScheduler = false;
    }
    this.cache = new BinCache(metadataStore, b.cacheTargets);
    this.publisher =
        new Publisher(
            metadataStore,
            stateStore,
            executor,
            parallelism,
            cache,
            b.refreshFraction,
            b.refreshInterval == null ? Duration.ofMinutes(10) : b.refreshInterval.multipliedBy(2),
            b.verifyBinSignatures,
            b.listener);
    this.state = StateLoader.load(stateStore, metadataStore).orElse(null);
    if (b.refreshInterval != null) {
      long ms = b.refreshInterval.toMillis();
      timers.add(
          scheduler.scheduleWithFixedDelay(this::refreshQuietly, ms, ms, TimeUnit.MILLISECONDS));
    }
    if (autoPublish != null && state != null && stateStore.queueDepth() > 0) {
      schedulePublish();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- bootstrap

  /** Bootstraps with a new task id; see {@link #bootstrap(String, BootstrapRequest)}. */
  public TaskResult bootstrap(BootstrapRequest request) {
    return bootstrap(newTaskId(), request);
  }

  /**
   * Bootstraps the repository (RSTUF semantics): checks root v1's signatures; when they meet the
   * threshold, creates and publishes targets, every bin, snapshot and timestamp at version 1 and
   * stores root as received; otherwise parks root in a signing session. Returns RSTUF's task result
   * (status false with RSTUF's message for a refused bootstrap) and records the task.
   *
   * @throws InvalidRequestException for invalid settings or a root that cannot run a repository
   */
  public TaskResult bootstrap(String taskId, BootstrapRequest request) {
    Bootstrapper.checkSettings(request);
    return underLease(
        token -> {
          Instant now = now();
          Bootstrapper.Outcome out =
              Bootstrapper.run(
                  taskId, request, now, stateStore, metadataStore, this::resolveSigner, token);
          if (out.state() != null) {
            state = out.state();
            signer = null;
            cache.clear();
            announceExpiries();
          } else {
            stateStore.putTask(
                new TaskRecord(
                    taskId,
                    "bootstrap",
                    out.result().status() ? TaskStates.SUCCESS : TaskStates.ERRORED,
                    now,
                    out.result().toJsonText()));
          }
          return out.result();
        });
  }

  public boolean isBootstrapped() {
    return state != null;
  }

  /** The bootstrap state: empty, {@code pre-<id>}, {@code signing-<id>} or the finished task id. */
  public Optional<String> bootstrapState() {
    return stateStore.setting(SettingKeys.BOOTSTRAP);
  }

  public Optional<RepositorySettings> settings() {
    RepoState s = state;
    return s == null ? Optional.empty() : Optional.of(s.settings());
  }

  // ---------------------------------------------------------------- artifacts

  /** Queues {@code batch} under a new task id; see {@link #submit(String, ArtifactBatch)}. */
  public String submit(ArtifactBatch batch) {
    String id = newTaskId();
    submit(id, batch);
    return id;
  }

  /**
   * Validates {@code batch} as a whole and queues it durably. When this returns, the batch is
   * acknowledged: it will be published even if the process dies.
   *
   * @throws InvalidRequestException naming the first invalid field; nothing is queued then
   * @throws EngineException if the repository is not bootstrapped
   */
  public void submit(String taskId, ArtifactBatch batch) {
    requireBootstrapped();
    ArtifactRules.check(batch);
    byte[] payload = BatchCodec.encode(batch);
    long seq =
        stateStore.enqueue(
            new TaskRecord(taskId, batch.taskName(), TaskStates.PENDING, now(), null), payload);
    accepted.put(seq, new SoftReference<>(batch));
    listener.queueDepth(stateStore.queueDepth());
    if (autoPublish != null) {
      schedulePublish();
    }
  }

  public Optional<TaskRecord> task(String taskId) {
    return stateStore.task(taskId);
  }

  public long queueDepth() {
    return stateStore.queueDepth();
  }

  // ---------------------------------------------------------------- publishing

  /**
   * Publishes everything queued as one group, together with every role due for refresh. Returns an
   * empty result when there was nothing to do.
   *
   * @throws PublishVerificationException if the new state would not satisfy a client
   * @throws dev.tufrepo.storage.StorageException if storage failed; the tasks are then ERRORED with
   *     the reason, the changes stay queued, and clients still see the previous state
   */
  public PublishResult publish() {
    return publish(Set.of(), true);
  }

  /** Re-signs only the roles due for refresh (nothing is drained from the queue). */
  public PublishResult refresh() {
    return publish(Set.of(), false);
  }

  /**
   * Re-signs the given online roles now ({@code targets}, {@code bins}, {@code snapshot}, {@code
   * timestamp}, in any combination), with snapshot and timestamp following as needed.
   */
  public PublishResult forceUpdate(Set<String> roles) {
    Set<String> allowed = Set.of("targets", "bins", "snapshot", "timestamp");
    for (String r : roles) {
      if (!allowed.contains(r)) {
        throw new InvalidRequestException("roles", "unknown online role \"" + r + "\"");
      }
    }
    return publish(roles, false);
  }

  private PublishResult publish(Set<String> force, boolean drain) {
    requireBootstrapped();
    return underLease(
        token -> {
          reloadIfChanged();
          List<Publisher.Drained> drained = drain ? drain() : List.of();
          try {
            Publisher.Outcome out =
                publisher.publish(state, drained, force, onlineSigner(), now(), token);
            state = out.state();
            for (Publisher.Drained d : drained) {
              accepted.remove(d.seq());
            }
            if (!out.result().isEmpty() || !drained.isEmpty()) {
              listener.published(out.result());
              announceExpiries();
              listener.queueDepth(stateStore.queueDepth());
            }
            return out.result();
          } catch (RuntimeException e) {
            markErrored(drained, e);
            listener.publishFailed(e);
            throw e;
          }
        });
  }

  private List<Publisher.Drained> drain() {
    List<QueuedBatch> queued = stateStore.queued(maxBatchesPerPublish);
    // batches older than the oldest still queued were published (by a submit racing a publish,
    // or by another node): forget them
    long oldest = queued.isEmpty() ? Long.MAX_VALUE : queued.get(0).seq();
    accepted.keySet().removeIf(seq -> seq < oldest);
    List<Publisher.Drained> out = new ArrayList<>(queued.size());
    for (QueuedBatch q : queued) {
      SoftReference<ArtifactBatch> ref = accepted.get(q.seq());
      ArtifactBatch b = ref == null ? null : ref.get();
      if (b == null) {
        b = BatchCodec.decode(q.payload());
      }
      out.add(new Publisher.Drained(q.seq(), q.taskId(), b));
    }
    return out;
  }

  private void markErrored(List<Publisher.Drained> drained, RuntimeException e) {
    Instant now = now();
    for (Publisher.Drained d : drained) {
      String name = d.batch().taskName();
      TaskResult r =
          TaskResult.failed(
              name,
              now,
              name.equals("remove_artifacts")
                  ? "Removing artifact(s) Failed"
                  : "Adding artifact(s) Failed",
              "publish failed, the artifacts stay queued and will be retried: " + e.getMessage());
      try {
        stateStore.putTask(
            new TaskRecord(d.taskId(), name, TaskStates.ERRORED, now, r.toJsonText()));
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
    }
  }

  /** When another node published, or a crash left state behind, start from what is committed. */
  private void reloadIfChanged() {
    Optional<String> committed = stateStore.setting(SettingKeys.TIMESTAMP_JSON);
    byte[] mine = state.timestamp().bytes();
    if (committed.isPresent()
        && !java.util.Arrays.equals(
            committed.get().getBytes(java.nio.charset.StandardCharsets.UTF_8), mine)) {
      state = StateLoader.load(stateStore, metadataStore).orElseThrow();
      cache.clear();
    }
  }

  private void schedulePublish() {
    if (closed || !publishScheduled.compareAndSet(false, true)) {
      return;
    }
    scheduler.schedule(
        () -> {
          publishScheduled.set(false);
          try {
            publish();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "automatic publish failed: " + e.getMessage(), e);
          }
          if (!closed && stateStore.queueDepth() > 0) {
            schedulePublish();
          }
        },
        autoPublish.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void refreshQuietly() {
    if (state == null || closed) {
      return;
    }
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "expiry refresh failed: " + e.getMessage(), e);
    }
  }

  private void announceExpiries() {
    RepoState s = state;
    listener.roleExpires("root", s.root().signed().expires());
    listener.roleExpires("targets", s.targets().metadata().signed().expires());
    listener.roleExpires("snapshot", s.snapshot().metadata().signed().expires());
    listener.roleExpires("timestamp", s.timestamp().metadata().signed().expires());
    Instant soonest = null;
    for (Instant i : s.binExpires().values()) {
      soonest = soonest == null || i.isBefore(soonest) ? i : soonest;
    }
    if (soonest != null) {
      listener.roleExpires("bins", soonest);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private interface LeaseWork<T> {
    T run(long token);
  }

  private <T> T underLease(LeaseWork<T> work) {
    if (closed) {
      throw new EngineException("engine is closed");
    }
    lock.lock();
    try {
      Lease lease = acquireLease();
      long every = Math.max(1, leaseTtl.toMillis() / 3);
      ScheduledFuture<?> renewal =
          scheduler.scheduleWithFixedDelay(
              () -> {
                try {
                  stateStore.tryAcquire(LEASE, nodeId, leaseTtl);
                } catch (RuntimeException e) {
                  LOG.log(System.Logger.Level.WARNING, "publish lease renewal failed", e);
                }
              },
              every,
              every,
              TimeUnit.MILLISECONDS);
      try {
        return work.run(lease.token());
      } finally {
        renewal.cancel(false);
        stateStore.release(lease);
      }
    } finally {
      lock.unlock();
    }
  }

  private Lease acquireLease() {
    long deadline = System.nanoTime() + leaseTtl.toNanos() * 2;
    long sleep = 10;
    while (true) {
      Optional<Lease> l = stateStore.tryAcquire(LEASE, nodeId, leaseTtl);
      if (l.isPresent()) {
        return l.get();
      }
      if (System.nanoTime() > deadline) {
        throw new EngineException("another node holds the publish lock");
      }
      try {
        Thread.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineException("interrupted while waiting for the publish lock", e);
      }
      sleep = Math.min(sleep * 2, 500);
    }
  }

  private Signer onlineSigner() {
    Signer s = signer;
    if (s == null) {
      RepoState st = state;
      s = resolveSigner(st.settings().onlineKeyUri(), st.onlineKey());
      signer = s;
    }
    return s;
  }

  private Signer resolveSigner(String uri, Key key) {
    return keyVault.signer(uri, key);
  }

  private void requireBootstrapped() {
    if (state == null) {
      throw new EngineException("the repository is not bootstrapped");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  static String newTaskId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops the timers and the engine's own threads. Queued batches stay queued in the state store;
   * the stores and the key vault belong to the caller and stay open.
   */
  @Override
  public void close() {
    closed = true;
    timers.forEach(t -> t.cancel(false));
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    lock.lock();
    try {
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Builds a {@link RepositoryEngine}; the stores and the key vault are required. */
  public static final class Builder {
    private MetadataStore metadataStore;
    private StateStore stateStore;
    private KeyVault keyVault;
    private Clock clock = Clock.systemUTC();
    private java.util.concurrent.Executor executor;
    private ScheduledExecutorService scheduler;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private EngineListener listener = EngineListener.NONE;
    private Duration autoPublish;
    private Duration refreshInterval;
    private double refreshFraction = 0.25;
    private Duration leaseTtl = Duration.ofSeconds(30);
    private String nodeId;
    private long cacheTargets = 2_000_000;
    private boolean verifyBinSignatures;
    private int maxBatchesPerPublish = 10_000;

    Builder() {}

    public Builder metadataStore(MetadataStore s) {
      this.metadataStore = s;
      return this;
    }

    public Builder stateStore(StateStore s) {
      this.stateStore = s;
      return this;
    }

    public Builder keyVault(KeyVault v) {
      this.keyVault = v;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c);
      return this;
    }

    /** Runs signing work; the engine makes its own fixed pool when none is given. */
    public Builder executor(java.util.concurrent.Executor e, int parallelism) {
      this.executor = e;
      this.parallelism = parallelism;
      return this;
    }

    /**
     * Runs group commit, expiry refresh and lease renewal; give it at least 2 threads so a renewal
     * can run during a publish. The engine makes its own when none is given.
     */
    public Builder scheduler(ScheduledExecutorService s) {
      this.scheduler = s;
      return this;
    }

    public Builder listener(EngineListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    /**
     * Group commit: publish automatically {@code window} after changes arrive, so many submissions
     * cost one snapshot (RSTUF publishes per request). Off unless set; 1 s is typical.
     */
    public Builder autoPublish(Duration window) {
      if (window != null && (window.isNegative() || window.isZero())) {
        throw new IllegalArgumentException("the group commit window must be positive");
      }
      this.autoPublish = window;
      return this;
    }

    /** Group commit with the default window of 1 s. */
    public Builder autoPublish() {
      return autoPublish(DEFAULT_GROUP_COMMIT_WINDOW);
    }

    /**
     * Checks every {@code interval} for roles due for refresh and re-signs them (every online role,
     * bins, snapshot and timestamp included, each on its own expiry). Off unless set.
     */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = interval;
      return this;
    }

    /** A role is re-signed when less than this share of its validity remains (default 0.25). */
    public Builder refreshFraction(double fraction) {
      if (fraction <= 0 || fraction >= 1) {
        throw new IllegalArgumentException("refresh fraction must be between 0 and 1");
      }
      this.refreshFraction = fraction;
      return this;
    }

    /**
     * How long the publish lease lives without renewal (default 30 s). A publishing engine renews
     * it every third of this; an engine that died holds it up to this long.
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = ttl;
      return this;
    }

    /**
     * This engine's name as a lease owner. An engine restarted with the same name takes its
     * predecessor's lease at once instead of waiting for it to expire. Default: random.
     */
    public Builder nodeId(String id) {
      this.nodeId = id;
      return this;
    }

    /** How many targets the bin cache holds at most (default 2,000,000). */
    public Builder cacheTargets(long targets) {
      this.cacheTargets = targets;
      return this;
    }

    /**
     * Verify every new bin's signature before publishing it (default false: the first bin of each
     * publish and one in 64 after it are verified, which catches a signer with the wrong key or a
     * corrupting one at a fraction of the cost; targets, snapshot and timestamp are always
     * verified).
     */
    public Builder verifyBinSignatures(boolean verify) {
      this.verifyBinSignatures = verify;
      return this;
    }

    public RepositoryEngine build() {
      return new RepositoryEngine(this);
    }
  }
}
