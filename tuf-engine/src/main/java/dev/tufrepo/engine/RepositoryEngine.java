package dev.tufrepo.engine;

import dev.tufrepo.engine.internal.ArtifactRules;
import dev.tufrepo.engine.internal.BatchCodec;
import dev.tufrepo.engine.internal.BinCache;
import dev.tufrepo.engine.internal.Bootstrapper;
import dev.tufrepo.engine.internal.DelegationChanges;
import dev.tufrepo.engine.internal.EnqueueCombiner;
import dev.tufrepo.engine.internal.Lifecycle;
import dev.tufrepo.engine.internal.Publisher;
import dev.tufrepo.engine.internal.RepoState;
import dev.tufrepo.engine.internal.RootRotation;
import dev.tufrepo.engine.internal.SettingKeys;
import dev.tufrepo.engine.internal.StateLoader;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.model.Verification;
import dev.tufrepo.storage.Lease;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.QueuedBatch;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import dev.tufrepo.storage.TaskSubmission;
import java.lang.ref.SoftReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The repository engine: RSTUF's worker as a library.
 *
 * <pre>{@code
 * try (RepositoryEngine engine = RepositoryEngine.builder()
 *     .metadataStore(FileSystemMetadataStore.open(dir.resolve("metadata")))
 *     .stateStore(QueueLogStateStore.h2(dir, true))
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

  /** The default window of {@link Builder#offlineExpiryWarning}. */
  public static final Duration DEFAULT_OFFLINE_EXPIRY_WARNING = Duration.ofDays(30);

  /** How long {@link #close()} lets a running publish finish before it interrupts it. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

  /** The group commit window of {@link Builder#autoPublish()}. */
  public static final Duration DEFAULT_GROUP_COMMIT_WINDOW = Duration.ofSeconds(1);

  /**
   * The most queued payload bytes one publish drains (at least one batch): large batches are
   * limited by this, small ones by {@code maxBatchesPerPublish}.
   */
  private static final long MAX_DRAIN_PAYLOAD_BYTES = 64L << 20;

  /** The most submissions that one durable enqueue transaction stores. */
  private static final int MAX_ENQUEUE_GROUP = 512;

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
  private final Duration offlineExpiryWarning;
  private final Publisher publisher;
  private final dev.tufrepo.engine.internal.BulkImporter importer;
  private final BinCache cache;
  private final String nodeId;
  private final ReentrantLock lock = new ReentrantLock();
  private final EnqueueCombiner combiner;
  private static final long DEPTH_REPORT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private final java.util.concurrent.atomic.AtomicLong lastDepthReport =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - DEPTH_REPORT_INTERVAL_NANOS);
  private final Map<Long, SoftReference<ArtifactBatch>> accepted = new ConcurrentHashMap<>();
  private final Object publishSchedule = new Object();
  private boolean publishPending; // guarded by publishSchedule: an automatic publish is scheduled
  private boolean publishRunning; // guarded by publishSchedule: an automatic publish runs
  private boolean arrivedDuringPublish; // guarded by publishSchedule
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private volatile RepoState state;
  private final boolean warmCache;
  private volatile CompletableFuture<Void> cacheWarmUp = CompletableFuture.completedFuture(null);
  private volatile Signer signer;
  private volatile boolean closed;

  private RepositoryEngine(Builder b) {
    this.metadataStore = Objects.requireNonNull(b.metadataStore, "metadataStore");
    this.stateStore = Objects.requireNonNull(b.stateStore, "stateStore");
    this.combiner =
        new EnqueueCombiner(
            stateStore,
            MAX_ENQUEUE_GROUP,
            () -> {
              // the depth is a count over the queue: at most a few times a second, not per request
              long now = System.nanoTime();
              long last = lastDepthReport.get();
              if (b.listener != EngineListener.NONE
                  && now - last >= DEPTH_REPORT_INTERVAL_NANOS
                  && lastDepthReport.compareAndSet(last, now)) {
                b.listener.queueDepth(stateStore.queueDepth());
              }
            });
    this.keyVault = Objects.requireNonNull(b.keyVault, "keyVault");
    this.clock = b.clock;
    this.listener = b.listener;
    this.autoPublish = b.autoPublish;
    this.leaseTtl = b.leaseTtl;
    this.maxBatchesPerPublish = b.maxBatchesPerPublish;
    this.offlineExpiryWarning = b.offlineExpiryWarning;
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
    this.importer =
        new dev.tufrepo.engine.internal.BulkImporter(
            metadataStore,
            stateStore,
            executor,
            parallelism,
            cache,
            publisher,
            b.verifyBinSignatures,
            b.listener);
    this.state = StateLoader.load(stateStore, metadataStore).orElse(null);
    if (b.refreshInterval != null) {
      long ms = b.refreshInterval.toMillis();
      timers.add(
          scheduler.scheduleWithFixedDelay(this::refreshQuietly, ms, ms, TimeUnit.MILLISECONDS));
    }
    if (b.retentionEvery != null) {
      long ms = b.retentionEvery.toMillis();
      int keep = b.retentionKeep;
      Duration minAge = b.retentionMinAge;
      timers.add(
          scheduler.scheduleWithFixedDelay(
              () -> pruneQuietly(keep, minAge), ms, ms, TimeUnit.MILLISECONDS));
    }
    if (autoPublish != null && state != null && queuedBatchWantsPublish()) {
      schedulePublish();
    }
    this.warmCache = b.warmCache;
    startCacheWarmUp();
  }

  /**
   * Reads the published bins into the artifact cache in the background (on a scheduler thread), as
   * far as the cache holds them, so that the first publishes after a start or a bulk import do not
   * read and parse each bin they touch.
   */
  private void startCacheWarmUp() {
    RepoState s = state;
    if (!warmCache || s == null) {
      return;
    }
    Map<String, Integer> versions = new java.util.LinkedHashMap<>();
    for (String bin : dev.tufrepo.engine.internal.RoleMap.of(s).onlineNames()) {
      versions.put(bin, s.version(bin));
    }
    cacheWarmUp =
        CompletableFuture.runAsync(
            () -> {
              try {
                long started = System.nanoTime();
                int read = cache.warm(versions, () -> closed);
                LOG.log(
                    System.Logger.Level.DEBUG,
                    "artifact cache warm-up: "
                        + read
                        + " bins read in "
                        + (System.nanoTime() - started) / 1_000_000
                        + " ms");
              } catch (RuntimeException e) {
                // only a cache: a bin that cannot be read now fails its publish with the reason
                if (!closed) {
                  LOG.log(System.Logger.Level.WARNING, "artifact cache warm-up stopped", e);
                }
              }
            },
            scheduler);
  }

  /**
   * The background read of published bins into the artifact cache that the engine starts when it
   * opens a bootstrapped repository and after a bulk import (completed when there was none, or it
   * is turned off with {@link Builder#warmCache(boolean)}).
   */
  public CompletableFuture<Void> cacheWarmUp() {
    return cacheWarmUp;
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
            if (state.bins() != null) {
              // every bin of a new repository is empty: the first publish need not read them back
              for (String bin : state.bins().roleNames()) {
                cache.put(bin, state.version(bin), java.util.Collections.emptySortedMap());
              }
            }
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
    return loadedState() != null;
  }

  /** The bootstrap state: empty, {@code pre-<id>}, {@code signing-<id>} or the finished task id. */
  public Optional<String> bootstrapState() {
    return stateStore.setting(SettingKeys.BOOTSTRAP);
  }

  public Optional<RepositorySettings> settings() {
    RepoState s = loadedState();
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
   * acknowledged: it will be published even if the process dies. Concurrent calls share durable
   * commits: validation runs in the calling thread, then one state store transaction queues the
   * batches of every caller waiting at that moment; each caller returns once its own batch is
   * committed, or throws what the commit of its group threw (nothing of the group is queued then).
   *
   * @throws InvalidRequestException naming the first invalid field; nothing is queued then
   * @throws EngineException if the repository is not bootstrapped
   */
  public void submit(String taskId, ArtifactBatch batch) {
    requireBootstrapped();
    ArtifactRules.check(batch);
    byte[] payload = BatchCodec.encode(batch);
    long seq =
        combiner.enqueue(
            new TaskSubmission(
                new TaskRecord(taskId, batch.taskName(), TaskStates.PENDING, now(), null),
                payload));
    accepted.put(seq, new SoftReference<>(batch));
    if (autoPublish != null && batch.publish()) {
      schedulePublish();
    }
  }

  /**
   * Imports artifacts in bulk and publishes them at once, without the durable queue: the caller's
   * input is the durable source, so an import that fails can simply be run again (adding a path
   * again replaces its entry). Each part must cover bins no other part touches (for instance, the
   * artifacts of one range of bins); within a part, the last artifact of a path wins. Every
   * artifact is validated as {@link #submit} validates it. Each part's bins are signed and written
   * while the next part is read, so memory holds a few parts, not the whole import. One snapshot
   * and one timestamp follow, after the new state is checked as a client would check it (bin
   * signatures on a sample). Bins the import does not touch are not refreshed, and queued batches
   * are left for the next {@link #publish()}, which applies them on top.
   *
   * @return what was published; empty when no bin changed
   * @throws InvalidRequestException naming the artifact and field, or when parts overlap; nothing
   *     is made visible then
   * @throws PublishVerificationException if the new state would not satisfy a client
   */
  public PublishResult importArtifacts(java.util.Iterator<? extends List<Artifact>> parts) {
    Objects.requireNonNull(parts, "parts");
    requireBootstrapped();
    return underLease(
        token -> {
          reloadIfChanged();
          try {
            Publisher.Outcome out = importer.run(state, parts, onlineSigner(), now(), token);
            state = out.state();
            if (!out.result().isEmpty()) {
              listener.published(out.result());
              announceExpiries();
              startCacheWarmUp(); // the import does not keep the bins it wrote
            }
            return out.result();
          } catch (RuntimeException e) {
            listener.publishFailed(e);
            throw e;
          }
        });
  }

  public Optional<TaskRecord> task(String taskId) {
    return stateStore.task(taskId);
  }

  public long queueDepth() {
    return stateStore.queueDepth();
  }

  // ---------------------------------------------------------------- publishing

  /**
   * Publishes what is queued as one group (up to 100,000 batches or 64 MiB of queued payload; the
   * rest waits for the next publish), together with every role due for refresh. Returns an empty
   * result when there was nothing to do.
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
    requireBootstrapped();
    Set<String> allowed = new java.util.HashSet<>(Set.of("targets", "snapshot", "timestamp"));
    if (usesSuccinctBins()) {
      allowed.add("bins");
    } else {
      allowed.addAll(dev.tufrepo.engine.internal.RoleMap.of(state).onlineNames());
    }
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
          return publishLocked(token, drain, force, null);
        });
  }

  /**
   * One publish under the lease: drains the queue when asked, re-signs {@code force}, and publishes
   * {@code newRoot} (may be null), moving to its online key when that changed.
   */
  private PublishResult publishLocked(
      long token, boolean drain, Set<String> force, Publisher.NewRoot newRoot) {
    Signer useSigner = onlineSigner();
    if (newRoot != null
        && !(newRoot.settings().onlineKeyId().equals(state.settings().onlineKeyId())
            && newRoot.settings().onlineKeyUri().equals(state.settings().onlineKeyUri()))) {
      String id = newRoot.settings().onlineKeyId();
      useSigner =
          resolveSigner(newRoot.settings().onlineKeyUri(), newRoot.root().signed().keys().get(id));
    }
    List<Publisher.Drained> drained = drain ? drain() : List.of();
    try {
      Publisher.Outcome out =
          publisher.publish(state, drained, force, useSigner, now(), token, newRoot);
      state = out.state();
      signer = useSigner;
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
  }

  private List<Publisher.Drained> drain() {
    Map<Long, ArtifactBatch> held = heldBatches();
    List<QueuedBatch> queued =
        stateStore.queued(maxBatchesPerPublish, MAX_DRAIN_PAYLOAD_BYTES, held::containsKey);
    // batches older than the oldest still queued were published (by a submit racing a publish,
    // or by another node): forget them
    long oldest = queued.isEmpty() ? Long.MAX_VALUE : queued.get(0).seq();
    accepted.keySet().removeIf(seq -> seq < oldest);
    List<Publisher.Drained> out = new ArrayList<>(queued.size());
    for (QueuedBatch q : queued) {
      out.add(new Publisher.Drained(q.seq(), q.taskId(), batchOf(q, held)));
    }
    return out;
  }

  /**
   * The batches accepted through this engine that the collector has not cleared, held strongly
   * while the queue is read: the store is told it need not read their payloads, so none of them may
   * be cleared before it is used.
   */
  private Map<Long, ArtifactBatch> heldBatches() {
    Map<Long, ArtifactBatch> held = new HashMap<>();
    accepted.forEach(
        (seq, ref) -> {
          ArtifactBatch b = ref.get();
          if (b != null) {
            held.put(seq, b);
          }
        });
    return held;
  }

  /** The changes of {@code q}: held, or decoded from its payload. */
  private static ArtifactBatch batchOf(QueuedBatch q, Map<Long, ArtifactBatch> held) {
    ArtifactBatch b = held.get(q.seq());
    return b != null ? b : BatchCodec.decode(q.payload());
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

  /**
   * Group commit: a publish starts one window after the first change that asks for it. Changes that
   * arrive while a publish runs get the next publish as soon as that one ends, but no sooner than
   * one window after its start, so that publishes longer than the window run back to back and the
   * time from acceptance to published stays about one window plus one publish.
   */
  private void schedulePublish() {
    synchronized (publishSchedule) {
      if (closed || publishPending) {
        return;
      }
      if (publishRunning) {
        arrivedDuringPublish = true;
        return;
      }
      publishPending = true;
    }
    scheduleAutoPublish(autoPublish.toMillis());
  }

  private void scheduleAutoPublish(long delayMillis) {
    try {
      scheduler.schedule(this::autoPublishRun, delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      synchronized (publishSchedule) {
        publishPending = false;
      }
      if (!closed) {
        LOG.log(System.Logger.Level.WARNING, "automatic publish not scheduled: " + e.getMessage());
      }
    }
  }

  private void autoPublishRun() {
    synchronized (publishSchedule) {
      publishPending = false;
      publishRunning = true;
      arrivedDuringPublish = false;
    }
    long started = System.nanoTime();
    boolean failed = false;
    boolean full;
    try {
      // batches beyond the drain limits wait for another round, which follows at once
      PublishResult r = publish();
      full = r.batches() > 0 && stateStore.queueDepth() > 0;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "automatic publish failed: " + e.getMessage(), e);
      failed = true;
      full = false;
    }
    boolean again;
    synchronized (publishSchedule) {
      publishRunning = false;
      again = !closed && !failed && arrivedDuringPublish && !publishPending;
      arrivedDuringPublish = false;
      if (again) {
        publishPending = true;
      }
    }
    if (!again && !closed && (full || failed)) {
      try {
        if (queuedBatchWantsPublish()) {
          synchronized (publishSchedule) {
            again = !publishPending;
            publishPending = true;
          }
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "automatic publish: " + e.getMessage(), e);
      }
    }
    if (again) {
      long window = autoPublish.toMillis();
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      // after a failure wait a full window before retrying
      scheduleAutoPublish(failed ? window : Math.max(0, window - elapsed));
    }
  }

  /** Whether a queued batch asked to be published (publish=false batches wait for a publish). */
  private boolean queuedBatchWantsPublish() {
    Map<Long, ArtifactBatch> held = heldBatches();
    for (QueuedBatch q :
        stateStore.queued(maxBatchesPerPublish, MAX_DRAIN_PAYLOAD_BYTES, held::containsKey)) {
      if (batchOf(q, held).publish()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Warns (listener and log) about root and every offline delegated role that expires within the
   * warning window: the engine cannot re-sign them, their key holders must.
   */
  private void warnOfflineExpiries(RepoState s) {
    if (s == null || offlineExpiryWarning == null) {
      return;
    }
    Instant limit = clock.instant().plus(offlineExpiryWarning);
    Map<String, Instant> offline = new java.util.TreeMap<>();
    offline.put(TufRole.ROOT, s.root().signed().expires());
    dev.tufrepo.engine.internal.RoleMap roles = dev.tufrepo.engine.internal.RoleMap.of(s);
    for (int i = 0; i < roles.size(); i++) {
      if (roles.online(i)) {
        continue;
      }
      String name = roles.name(i);
      dev.tufrepo.model.MetaFile m = s.snapshot().metadata().signed().meta().get(name + ".json");
      if (m == null) {
        continue;
      }
      metadataStore
          .read(m.version() + "." + name + ".json")
          .ifPresent(b -> offline.put(name, Metadata.parseTargets(b).signed().expires()));
    }
    for (Map.Entry<String, Instant> e : offline.entrySet()) {
      if (e.getValue().isBefore(limit)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "offline role {0} expires at {1}: its key holders must sign a new version",
            e.getKey(),
            e.getValue());
        listener.offlineRoleExpiring(e.getKey(), e.getValue());
      }
    }
  }

  private void refreshQuietly() {
    if (state == null || closed) {
      return;
    }
    try {
      warnOfflineExpiries(state);
      refresh();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "expiry refresh failed: " + e.getMessage(), e);
    }
  }

  private void announceExpiries() {
    RepoState s = state;
    warnOfflineExpiries(s);
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

  // ---------------------------------------------------------------- lifecycle (issue 7)

  /**
   * Takes the bootstrap lock before a bootstrap task runs (RSTUF's API sets {@code BOOTSTRAP} to
   * {@code pre-<taskId>}): sets it only when there is no bootstrap state at all.
   *
   * @return false when the repository is bootstrapped, being bootstrapped, or locked
   */
  public boolean lockBootstrap(String taskId) {
    return stateStore.compareAndSetSetting(SettingKeys.BOOTSTRAP, null, "pre-" + taskId);
  }

  /** Clears the bootstrap lock {@code pre-<taskId>}; any other bootstrap state is left alone. */
  public void releaseBootstrapLock(String taskId) {
    stateStore.compareAndSetSetting(SettingKeys.BOOTSTRAP, "pre-" + taskId, null);
  }

  /**
   * Records task {@code taskId} as {@code RECEIVED} (REST calls this before running the task
   * asynchronously, so {@code GET /task} knows it at once).
   */
  public void taskReceived(String taskId, String taskName) {
    stateStore.putTask(new TaskRecord(taskId, taskName, TaskStates.RECEIVED, now(), null));
  }

  /**
   * Task {@code metadata_update}: a new root ({@code POST /api/v1/metadata}). Its version must be
   * the trusted one + 1; a signature counts when valid under the trusted or the new root, and the
   * thresholds of both must hold. A root short of signatures waits in a signing session. The root
   * is published exactly as received. When the new root changes the online key, every online role
   * is re-signed with the new key in the same publish.
   */
  public TaskResult updateRoot(String taskId, byte[] rootJson) {
    return runTask(
        taskId,
        MU,
        () -> {
          Instant now = now();
          if (loadedState() == null) {
            return TaskResult.failed(
                MU, now, MU_FAILED, "Metadata Update requires a completed bootstrap");
          }
          Metadata<Root> root;
          try {
            root = Metadata.parseRoot(rootJson);
          } catch (dev.tufrepo.TufException e) {
            return TaskResult.failed(
                MU,
                now,
                MU_FAILED,
                isRootType(rootJson)
                    ? "Failed to verify the trust: " + e.getMessage()
                    : "Unsupported Metadata type");
          }
          return underLease(
              token -> {
                reloadIfChanged();
                String problem = RootRotation.problem(state.root().signed(), root, now);
                if (problem != null) {
                  return TaskResult.failed(
                      MU, now, MU_FAILED, "Failed to verify the trust: " + problem);
                }
                Map<String, dev.tufrepo.json.JsonValue> details = new java.util.HashMap<>();
                details.put("role", new JsonString(TufRole.ROOT));
                if (!RootRotation.complete(state.root().signed(), root)) {
                  stateStore.putSigningSession(
                      TufRole.ROOT, new String(rootJson, java.nio.charset.StandardCharsets.UTF_8));
                  details.put("update", new JsonString(pendingText(root)));
                } else {
                  publishRoot(token, rootJson, root);
                }
                return TaskResult.ok(MU, now, "Metadata Update Processed", JsonObject.of(details));
              });
        });
  }

  private static final String MU = "metadata_update";
  private static final String MU_FAILED = "Metadata Update Failed";
  private static final String SIGN = "sign_metadata";
  private static final String SIGN_FAILED = "Signature Failed";
  private static final String SIGN_OK = "Signature Processed";

  private static String pendingText(Metadata<Root> root) {
    return "Root v" + root.signed().version() + " is pending signatures";
  }

  private static boolean isRootType(byte[] json) {
    try {
      return dev.tufrepo.json.Json.parse(json) instanceof JsonObject o
          && o.get("signed") instanceof JsonObject signed
          && new JsonString(Root.TYPE).equals(signed.get("_type"));
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** Publishes a root whose thresholds hold (under the lease); clears the root signing session. */
  private void publishRoot(long token, byte[] bytes, Metadata<Root> root) {
    RepositorySettings next = RootRotation.settingsFor(state.settings(), root.signed());
    publishLocked(token, true, Set.of(), new Publisher.NewRoot(root, bytes, next));
    stateStore.putSigningSession(TufRole.ROOT, null);
  }

  /**
   * Task {@code sign_metadata}: adds one signature ({@code {"keyid", "sig"}}) to the metadata of
   * {@code role} waiting in a signing session; publishes it when its thresholds hold. For root
   * during a bootstrap in the signing state, finishes the bootstrap.
   */
  public TaskResult sign(String taskId, String role, byte[] signatureJson) {
    return runTask(
        taskId,
        SIGN,
        () -> {
          checkRoleName("role", role);
          Signature sig;
          try {
            sig = Signature.fromJson(dev.tufrepo.json.Json.parse(signatureJson), "signature");
          } catch (dev.tufrepo.TufException e) {
            throw new InvalidRequestException("signature", e.getMessage());
          }
          Instant now = now();
          return underLease(
              token -> {
                Optional<String> pending = stateStore.signingSession(role);
                if (pending.isEmpty()) {
                  return TaskResult.failed(
                      SIGN, now, SIGN_FAILED, "No signatures pending for " + role);
                }
                byte[] bytes = pending.get().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (role.equals(TufRole.ROOT)) {
                  return signRoot(token, Metadata.parseRoot(bytes), sig, now);
                }
                return signDelegated(token, role, bytes, sig, now);
              });
        });
  }

  private TaskResult signRoot(long token, Metadata<Root> pending, Signature sig, Instant now) {
    String bootstrap = stateStore.setting(SettingKeys.BOOTSTRAP).orElse(null);
    if (bootstrap != null && bootstrap.startsWith("signing-")) {
      Root r = pending.signed();
      if (!RootRotation.validUnder(sig, r, pending.signedBytes())) {
        return TaskResult.failed(SIGN, now, SIGN_FAILED, "Invalid signature");
      }
      Metadata<Root> md = pending.withSignature(sig);
      Role rootRole = r.role(TufRole.ROOT);
      if (Verification.countValid(rootRole, r.keys(), md.signedBytes(), md)
          < rootRole.threshold()) {
        putSession(TufRole.ROOT, md);
        return TaskResult.ok(
            SIGN, now, SIGN_OK, details("bootstrap", "Root v1 is pending signatures"));
      }
      state =
          Bootstrapper.completeSigned(
              bootstrap.substring("signing-".length()),
              md.toJson(),
              now,
              stateStore,
              metadataStore,
              this::resolveSigner,
              token);
      signer = null;
      cache.clear();
      announceExpiries();
      return TaskResult.ok(SIGN, now, SIGN_OK, details("bootstrap", "Bootstrap Finished"));
    }
    if (loadedState() == null) {
      return TaskResult.failed(SIGN, now, SIGN_FAILED, "No signatures pending for root");
    }
    reloadIfChanged();
    if (!RootRotation.counts(sig, state.root().signed(), pending)) {
      return TaskResult.failed(SIGN, now, SIGN_FAILED, "Invalid signature");
    }
    Metadata<Root> md = pending.withSignature(sig);
    String problem = RootRotation.problem(state.root().signed(), md, now);
    if (problem != null) {
      return TaskResult.failed(SIGN, now, SIGN_FAILED, "Failed to verify the trust: " + problem);
    }
    if (!RootRotation.complete(state.root().signed(), md)) {
      putSession(TufRole.ROOT, md);
      return TaskResult.ok(SIGN, now, SIGN_OK, details("update", pendingText(md)));
    }
    publishRoot(token, md.toJson(), md);
    return TaskResult.ok(SIGN, now, SIGN_OK, details("update", "Metadata update finished"));
  }

  private TaskResult signDelegated(
      long token, String role, byte[] pending, Signature sig, Instant now) {
    if (loadedState() == null) {
      return TaskResult.failed(SIGN, now, SIGN_FAILED, "No signatures pending for " + role);
    }
    reloadIfChanged();
    dev.tufrepo.engine.internal.CustomDelegations.RoleSpec spec = pendingSpecs().get(role);
    if (spec == null) {
      return TaskResult.failed(SIGN, now, SIGN_FAILED, "No signatures pending for " + role);
    }
    Metadata<dev.tufrepo.model.Targets> md = Metadata.parseTargets(pending);
    Key key = spec.keys().get(sig.keyid());
    boolean valid;
    try {
      valid =
          key != null
              && spec.role().keyids().contains(sig.keyid())
              && key.verify(md.signedBytes(), sig.sig());
    } catch (RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      return TaskResult.failed(SIGN, now, SIGN_FAILED, "Invalid signature");
    }
    md = md.withSignature(sig);
    if (!DelegationChanges.complete(spec, md)) {
      putSession(role, md);
      return TaskResult.ok(
          SIGN,
          now,
          SIGN_OK,
          details("update", role + " v" + md.signed().version() + " is pending signatures"));
    }
    if (md.signed().isExpired(now)) {
      return TaskResult.failed(
          SIGN,
          now,
          SIGN_FAILED,
          role + " v" + md.signed().version() + " expired before it was signed; update the role");
    }
    applyPlan(token, DelegationChanges.complete(state, spec, md));
    return TaskResult.ok(
        SIGN, now, SIGN_OK, details("update", "Role " + role + " signing complete"));
  }

  private void putSession(String role, Metadata<?> md) {
    stateStore.putSigningSession(
        role, new String(md.toJson(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonObject details(String key, String text) {
    return JsonObject.of(Map.of(key, new JsonString(text)));
  }

  private static final java.util.regex.Pattern ROLE_NAME =
      java.util.regex.Pattern.compile("[a-zA-Z0-9_-]+");

  /** RSTUF's role name rule, checked on every endpoint (RSTUF checks it at bootstrap only). */
  static void checkRoleName(String field, String role) {
    if (role == null || !ROLE_NAME.matcher(role).matches()) {
      throw new InvalidRequestException(field, "role names match [a-zA-Z0-9_-]+");
    }
  }

  /**
   * Task {@code delete_sign_metadata}: abandons the signing session of {@code role}; for root
   * during a bootstrap in the signing state, stops the bootstrap.
   */
  public TaskResult deleteSigning(String taskId, String role) {
    String name = "delete_sign_metadata";
    return runTask(
        taskId,
        name,
        () -> {
          checkRoleName("role", role);
          Instant now = now();
          return underLease(
              token -> {
                if (stateStore.signingSession(role).isEmpty()) {
                  return TaskResult.failed(
                      name,
                      now,
                      "Deletion of " + role + " metadata failed.",
                      "The " + role + " role is not in a signing process.");
                }
                stateStore.putSigningSession(role, null);
                JsonObject details = null;
                String bootstrap = stateStore.setting(SettingKeys.BOOTSTRAP).orElse(null);
                if (role.equals(TufRole.ROOT)
                    && bootstrap != null
                    && bootstrap.startsWith("signing-")) {
                  Map<String, String> reset = new java.util.HashMap<>();
                  reset.put(SettingKeys.BOOTSTRAP, null);
                  reset.put(SettingKeys.BOOTSTRAP_REQUEST, null);
                  stateStore.putSettings(reset);
                  details = details("bootstrap", "Bootstrap process has been stopped");
                }
                return TaskResult.ok(
                    name,
                    now,
                    "Deletion of " + role + " metadata successful, signing process stopped",
                    details);
              });
        });
  }

  /** Whether metadata of {@code role} waits for signatures. */
  public boolean hasSigningSession(String role) {
    return stateStore.signingSession(role).isPresent();
  }

  /**
   * RSTUF {@code GET /api/v1/metadata/sign}: role name to the pending metadata, plus {@code
   * trusted_root} when root is pending and {@code trusted_targets} when a role delegated by targets
   * is pending.
   */
  public Map<String, dev.tufrepo.json.JsonValue> pendingSigning() {
    Map<String, dev.tufrepo.json.JsonValue> out = new java.util.TreeMap<>();
    boolean targetsType = false;
    for (Map.Entry<String, String> e : stateStore.signingSessions().entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      dev.tufrepo.json.JsonValue md = dev.tufrepo.json.Json.parse(e.getValue());
      out.put(e.getKey(), md);
      targetsType |=
          md instanceof JsonObject o
              && o.get("signed") instanceof JsonObject signed
              && new JsonString("targets").equals(signed.get("_type"));
    }
    RepoState s = state;
    if (s != null && out.containsKey(TufRole.ROOT)) {
      String name = s.root().signed().version() + ".root.json";
      metadataStore
          .read(name)
          .ifPresent(b -> out.put("trusted_root", dev.tufrepo.json.Json.parse(b)));
    }
    if (s != null && targetsType) {
      out.put("trusted_targets", dev.tufrepo.json.Json.parse(s.targets().bytes()));
    }
    return out;
  }

  /**
   * Task {@code force_online_metadata_update}: re-signs the given online roles now, any combination
   * of {@code targets}, {@code bins} (or the online delegated roles), {@code snapshot} and {@code
   * timestamp}; an empty set means all of them.
   */
  public TaskResult forceOnlineUpdate(String taskId, Set<String> roles) {
    String name = "force_online_metadata_update";
    for (String r : roles) {
      checkRoleName("roles", r);
    }
    return runTask(
        taskId,
        name,
        () -> {
          if (loadedState() == null) {
            return TaskResult.failed(
                name,
                now(),
                "Force new online metadata update failed",
                "New metadata updates requre completed bootstrap");
          }
          Set<String> force = roles;
          if (roles.isEmpty()) {
            force = new java.util.HashSet<>(Set.of("targets", "snapshot", "timestamp"));
            force.addAll(
                usesSuccinctBins()
                    ? Set.of("bins")
                    : dev.tufrepo.engine.internal.RoleMap.of(state).onlineNames());
          }
          PublishResult r = forceUpdate(force);
          java.util.TreeSet<String> updated = new java.util.TreeSet<>();
          for (String role : r.roleVersions().keySet()) {
            updated.add(state.bins() != null && state.bins().isDelegatedRole(role) ? "bins" : role);
          }
          return TaskResult.ok(
              name,
              now(),
              "Force new online metadata update succeeded",
              JsonObject.of(
                  Map.of(
                      "updated_roles",
                      new dev.tufrepo.json.JsonArray(
                          updated.stream()
                              .map(s -> (dev.tufrepo.json.JsonValue) new JsonString(s))
                              .toList()))));
        });
  }

  /**
   * Task {@code update_settings}: changes the expiration days of online roles ({@code targets},
   * {@code snapshot}, {@code timestamp}, {@code bins}); applies from each role's next version.
   */
  public TaskResult updateSettings(String taskId, Map<String, Integer> expirationDays) {
    return runTask(
        taskId,
        "update_settings",
        () -> {
          Instant now = now();
          if (loadedState() == null) {
            return TaskResult.failed(
                "update_settings",
                now,
                "Update Settings Failed",
                "Update Settings requires a completed bootstrap");
          }
          if (expirationDays == null || expirationDays.isEmpty()) {
            return TaskResult.failed(
                "update_settings",
                now,
                "Update Settings Failed",
                "No role provided for expiration policy change");
          }
          return underLease(
              token -> {
                reloadIfChanged();
                Lifecycle.SettingsUpdate u =
                    Lifecycle.updateSettings(state.settings(), expirationDays, usesSuccinctBins());
                if (!u.updated().isEmpty()) {
                  stateStore.putSettings(u.values());
                  state = state.withSettings(u.settings());
                }
                return TaskResult.ok(
                    "update_settings", now, "Update Settings Succeded", u.details());
              });
        });
  }

  /**
   * Task {@code metadata_delegation}: adds, updates or deletes custom delegated roles (RSTUF {@code
   * TUFDelegations} JSON). Roles signed by the online key are published at once; roles with offline
   * keys wait in signing sessions.
   */
  public TaskResult delegations(String taskId, DelegationAction action, byte[] delegationsJson) {
    String name = "metadata_delegation";
    return runTask(
        taskId,
        name,
        () -> {
          Instant now = now();
          if (loadedState() == null) {
            return TaskResult.failed(
                name,
                now,
                "Metadata Delegation Failed",
                "Requires bootstrap finished. State: "
                    + stateStore.setting(SettingKeys.BOOTSTRAP).orElse("None"));
          }
          if (usesSuccinctBins()) {
            throw new EngineException(
                "Delegations already using hash-bins, custom delegations are not available");
          }
          return underLease(
              token -> {
                reloadIfChanged();
                RepoState s = state;
                Map<String, Key> known =
                    new java.util.HashMap<>(s.targets().metadata().signed().delegations().keys());
                known.put(s.settings().onlineKeyId(), s.onlineKey());
                dev.tufrepo.engine.internal.CustomDelegations.Request req =
                    dev.tufrepo.engine.internal.CustomDelegations.parse(
                        delegationsJson, action, s.settings().onlineKeyId(), known);
                DelegationChanges.Plan plan =
                    DelegationChanges.plan(
                        s,
                        action,
                        req,
                        usedRoleNames(),
                        pendingSpecs(),
                        onlineSigner(),
                        role -> cache.targets(role, s.version(role)),
                        now);
                applyPlan(token, plan);
                return TaskResult.ok(
                    name, now, "Metadata Delegation Processed", delegationDetails(plan));
              });
        });
  }

  /** Publishes a delegation plan and stores its sessions and settings (under the lease). */
  private void applyPlan(long token, DelegationChanges.Plan plan) {
    Map<String, Integer> days = new java.util.HashMap<>(state.settings().expirationDays());
    plan.expirations()
        .forEach(
            (role, d) -> {
              if (d == null) {
                days.remove(role);
              } else {
                days.put(role, d);
              }
            });
    RepositorySettings current = state.settings();
    RepositorySettings next =
        new RepositorySettings(
            days, current.numberOfBins(), current.onlineKeyId(), current.onlineKeyUri());
    if (plan.delegations() != null || !plan.roleFiles().isEmpty()) {
      PublishResult r =
          publishChange(
              token, new Publisher.DelegationChange(plan.delegations(), plan.roleFiles(), next));
      listener.published(r);
    } else {
      state = state.withSettings(next);
    }
    Map<String, String> settingValues = new java.util.HashMap<>();
    settingValues.put(SettingKeys.DELEGATION_EXPIRATION, SettingKeys.customExpirationsJson(days));
    if (!plan.newlyUsed().isEmpty()) {
      java.util.Set<String> used = new java.util.TreeSet<>(usedRoleNames());
      used.addAll(plan.newlyUsed());
      settingValues.put(SettingKeys.DELEGATIONS_USED, jsonText(stringArray(used)));
    }
    Map<String, dev.tufrepo.json.JsonValue> pending = new java.util.TreeMap<>();
    pendingSpecs().forEach((k, v) -> pending.put(k, dev.tufrepo.json.Json.parse(v.toJsonText())));
    plan.pendingSpecs()
        .forEach(
            (k, v) -> {
              if (v == null) {
                pending.remove(k);
              } else {
                pending.put(k, dev.tufrepo.json.Json.parse(v));
              }
            });
    settingValues.put(SettingKeys.DELEGATION_PENDING, jsonText(JsonObject.of(pending)));
    stateStore.putSettings(settingValues);
    plan.sessions().forEach(stateStore::putSigningSession);
  }

  private PublishResult publishChange(long token, Publisher.DelegationChange change) {
    Publisher.Outcome out =
        publisher.publish(state, List.of(), Set.of(), onlineSigner(), now(), token, null, change);
    state = out.state();
    announceExpiries();
    return out.result();
  }

  private java.util.Set<String> usedRoleNames() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    stateStore
        .setting(SettingKeys.DELEGATIONS_USED)
        .ifPresent(
            t ->
                ((dev.tufrepo.json.JsonArray) dev.tufrepo.json.Json.parse(t))
                    .values()
                    .forEach(v -> out.add(((JsonString) v).value())));
    return out;
  }

  private Map<String, dev.tufrepo.engine.internal.CustomDelegations.RoleSpec> pendingSpecs() {
    Map<String, dev.tufrepo.engine.internal.CustomDelegations.RoleSpec> out =
        new java.util.TreeMap<>();
    stateStore
        .setting(SettingKeys.DELEGATION_PENDING)
        .ifPresent(
            t ->
                ((JsonObject) dev.tufrepo.json.Json.parse(t))
                    .members()
                    .forEach(
                        (k, v) ->
                            out.put(
                                k,
                                dev.tufrepo.engine.internal.CustomDelegations.RoleSpec.fromJsonText(
                                    jsonText(v)))));
    return out;
  }

  private static JsonObject delegationDetails(DelegationChanges.Plan plan) {
    List<dev.tufrepo.json.JsonValue> failed = new ArrayList<>();
    plan.failed().forEach(f -> failed.add(f.toJson()));
    return JsonObject.of(
        Map.of(
            "delegated_roles",
            stringArray(plan.done()),
            "failed_roles",
            new dev.tufrepo.json.JsonArray(failed)));
  }

  private static dev.tufrepo.json.JsonArray stringArray(java.util.Collection<String> values) {
    List<dev.tufrepo.json.JsonValue> out = new ArrayList<>();
    values.forEach(v -> out.add(new JsonString(v)));
    return new dev.tufrepo.json.JsonArray(out);
  }

  private static String jsonText(dev.tufrepo.json.JsonValue v) {
    return new String(dev.tufrepo.json.Json.write(v), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Whether targets delegates to succinct hash bins (false with custom delegations). */
  public boolean usesSuccinctBins() {
    RepoState s = state;
    return s == null || s.bins() != null;
  }

  /** RSTUF {@code GET /api/v1/config} data: lower-cased setting names to values. */
  public Map<String, dev.tufrepo.json.JsonValue> config() {
    requireBootstrapped();
    return Lifecycle.config(state, stateStore.setting(SettingKeys.BOOTSTRAP).orElse(null));
  }

  /**
   * Task {@code publish_artifacts}: publishes everything queued now; details {@code
   * {"artifact_roles": [...]}} name the roles that changed.
   */
  public TaskResult publishTask(String taskId) {
    return runTask(
        taskId,
        "publish_artifacts",
        () -> {
          PublishResult r = loadedState() == null ? null : publish();
          List<dev.tufrepo.json.JsonValue> roles = new ArrayList<>();
          if (r != null) {
            for (String role : new java.util.TreeSet<>(r.roleVersions().keySet())) {
              if (!Lifecycle.TOP_LEVEL.contains(role)) {
                roles.add(new dev.tufrepo.json.JsonString(role));
              }
            }
          }
          Map<String, dev.tufrepo.json.JsonValue> details = new java.util.HashMap<>();
          details.put(
              "artifact_roles",
              roles.isEmpty()
                  ? dev.tufrepo.json.JsonNull.INSTANCE
                  : new dev.tufrepo.json.JsonArray(roles));
          return TaskResult.ok(
              "publish_artifacts",
              now(),
              "Publish Artifacts Processed",
              dev.tufrepo.json.JsonObject.of(details));
        });
  }

  /**
   * Deletes consistent-snapshot files beyond the newest {@code keepVersions} of each role that are
   * older than {@code minAge}; never a file the current snapshot or timestamp references, never a
   * root. Returns the number of files deleted.
   */
  public int pruneOldVersions(int keepVersions, Duration minAge) {
    if (keepVersions < 1) {
      throw new InvalidRequestException("keepVersions", "must be at least 1");
    }
    if (minAge == null || minAge.isNegative()) {
      throw new InvalidRequestException("minAge", "must be zero or positive");
    }
    requireBootstrapped();
    return underLease(
        token -> {
          reloadIfChanged();
          List<String> deleted =
              dev.tufrepo.engine.internal.Retention.prune(
                  metadataStore, state, keepVersions, minAge, clock.instant());
          if (!deleted.isEmpty()) {
            LOG.log(
                System.Logger.Level.INFO,
                "retention deleted {0} old consistent-snapshot files",
                deleted.size());
          }
          return deleted.size();
        });
  }

  private void pruneQuietly(int keep, Duration minAge) {
    if (state == null || closed) {
      return;
    }
    try {
      pruneOldVersions(keep, minAge);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "retention failed: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * Runs task {@code taskId}: RUNNING while it runs, then SUCCESS or ERRORED by the result's
   * status; an exception records FAILURE with {@code {"message": reason}} and is rethrown.
   */
  private TaskResult runTask(
      String taskId, String name, java.util.function.Supplier<TaskResult> work) {
    stateStore.putTask(new TaskRecord(taskId, name, TaskStates.RUNNING, now(), null));
    TaskResult r;
    try {
      r = work.get();
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String json =
          new String(
              dev.tufrepo.json.Json.write(
                  dev.tufrepo.json.JsonObject.of(
                      Map.of("message", new dev.tufrepo.json.JsonString(reason)))),
              java.nio.charset.StandardCharsets.UTF_8);
      try {
        stateStore.putTask(new TaskRecord(taskId, name, TaskStates.FAILURE, now(), json));
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    stateStore.putTask(
        new TaskRecord(
            taskId,
            name,
            r.status() ? TaskStates.SUCCESS : TaskStates.ERRORED,
            r.lastUpdate(),
            r.toJsonText()));
    return r;
  }

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
    if (loadedState() == null) {
      throw new EngineException("the repository is not bootstrapped");
    }
  }

  /**
   * The current state, loading what a bootstrap committed when this engine has none yet: a
   * bootstrap by another node, or one whose task result is already visible while its thread still
   * holds the lock (a client polling the task may call the next method at once).
   */
  private RepoState loadedState() {
    RepoState s = state;
    if (s == null) {
      lock.lock();
      try {
        if (state == null) {
          state = StateLoader.load(stateStore, metadataStore).orElse(null);
        }
        s = state;
      } finally {
        lock.unlock();
      }
    }
    return s;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  static String newTaskId() {
    return TaskIds.newTaskId();
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
   * Stops the timers and the engine's own threads: a publish running on them finishes first (up to
   * a minute, then it is interrupted), none starts. Queued batches stay queued in the state store;
   * the stores and the key vault belong to the caller and stay open.
   */
  @Override
  public void close() {
    closed = true;
    timers.forEach(t -> t.cancel(false));
    if (ownsScheduler) {
      // A publish that is running finishes (interrupting it would interrupt the state store's
      // file writes: H2 then closes its database for this JVM, and the next start recovers a
      // publish that could simply have ended); nothing queued or delayed starts any more.
      if (scheduler instanceof java.util.concurrent.ScheduledThreadPoolExecutor stpe) {
        stpe.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        stpe.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      }
      scheduler.shutdown();
      try {
        if (!scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.log(
              System.Logger.Level.WARNING,
              "close: the running publish did not end within " + CLOSE_WAIT + "; interrupting it");
          scheduler.shutdownNow();
        }
      } catch (InterruptedException e) {
        scheduler.shutdownNow();
        Thread.currentThread().interrupt();
      }
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
    private boolean warmCache = true;
    private boolean verifyBinSignatures;
    private int maxBatchesPerPublish = 100_000;
    private Duration offlineExpiryWarning = DEFAULT_OFFLINE_EXPIRY_WARNING;
    private Duration retentionEvery;
    private int retentionKeep;
    private Duration retentionMinAge;

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

    /**
     * How many threads the engine's own signing pool has (when no {@link #executor} is given); by
     * default the number of processors. A service that must answer requests while it publishes may
     * leave a core to them: tufrepo's server uses one fewer than the processors.
     *
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public Builder signingThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("signing threads must be at least 1, not " + threads);
      }
      this.parallelism = threads;
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
     * Whether the engine reads the published bins into its cache in the background when it opens a
     * bootstrapped repository and after a bulk import, up to {@link #cacheTargets} (default true).
     * Without it, each bin is read and parsed the first time a publish touches it.
     */
    public Builder warmCache(boolean warm) {
      this.warmCache = warm;
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

    /**
     * Warn through {@link EngineListener#offlineRoleExpiring} and the log when root or an offline
     * delegated role expires within {@code window} (default 30 days; null turns it off). Checked
     * after every publish and on every refresh tick.
     */
    public Builder offlineExpiryWarning(Duration window) {
      if (window != null && window.isNegative()) {
        throw new IllegalArgumentException("the warning window must not be negative");
      }
      this.offlineExpiryWarning = window;
      return this;
    }

    /**
     * Runs {@link RepositoryEngine#pruneOldVersions(int, Duration)} every {@code every}: deletes
     * consistent-snapshot files beyond the newest {@code keepVersions} of each role that are older
     * than {@code minAge}. Off unless set.
     */
    public Builder retention(int keepVersions, Duration minAge, Duration every) {
      if (keepVersions < 1 || minAge == null || minAge.isNegative()) {
        throw new IllegalArgumentException("keep at least 1 version, for a non-negative age");
      }
      if (every == null || every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("the retention interval must be positive");
      }
      this.retentionKeep = keepVersions;
      this.retentionMinAge = minAge;
      this.retentionEvery = every;
      return this;
    }

    public RepositoryEngine build() {
      return new RepositoryEngine(this);
    }
  }
}
