package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.PublishResult;
import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.engine.TaskResult;
import dev.tufrepo.engine.TaskStates;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Signer;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One publish (reference: ARCHITECTURE "Flow of one batch"): applies the drained batches bin by
 * bin, re-signs only the bins whose content changed (and those close to expiry), updates the
 * snapshot incrementally, then the timestamp; checks the result as a client would; writes the
 * versioned files, commits the state, and only then replaces {@code timestamp.json}.
 */
public final class Publisher {
  /** Roles close to expiry are re-signed when less than this share of their period remains. */
  private final double refreshFraction;

  private final Duration minMargin;
  private final MetadataStore metadataStore;
  private final StateStore stateStore;
  private final Executor executor;
  private final int parallelism;
  private final BinCache cache;
  private final boolean verifyBinSignatures;
  private final dev.tufrepo.engine.EngineListener listener;

  public Publisher(
      MetadataStore metadataStore,
      StateStore stateStore,
      Executor executor,
      int parallelism,
      BinCache cache,
      double refreshFraction,
      Duration minMargin,
      boolean verifyBinSignatures,
      dev.tufrepo.engine.EngineListener listener) {
    this.listener = listener;
    this.metadataStore = metadataStore;
    this.stateStore = stateStore;
    this.executor = executor;
    this.parallelism = Math.max(1, parallelism);
    this.cache = cache;
    this.refreshFraction = refreshFraction;
    this.minMargin = minMargin;
    this.verifyBinSignatures = verifyBinSignatures;
  }

  /** A drained batch: its queue seq, task and content. */
  public record Drained(long seq, String taskId, ArtifactBatch batch) {}

  /** The new state (or the old one when nothing changed) and the result. */
  public record Outcome(RepoState state, PublishResult result, List<TaskRecord> tasks) {}

  /** An add or remove, with where its outcome goes. */
  private static final class Op {
    final int index;
    final int batch;
    final String path;
    final TargetFile info; // null: a remove
    final boolean plain; // no char from U+D800 up: see BY_PATH

    /** The path's {@link PathOrder#key}; set by {@link #binIndexes}. */
    long key;

    /** An add's canonical bytes as a member of its bin; set by {@link #binIndexes}. */
    Json.EncodedMember member;

    Op(int index, int batch, String path, TargetFile info) {
      this.index = index;
      this.batch = batch;
      this.path = path;
      this.info = info;
      this.plain = noSurrogateRange(path);
    }
  }

  /** A bin to apply and maybe sign, with its operations at {@code [from, to)} of the grouping. */
  private record BinWork(String bin, int from, int to) {}

  /**
   * The operations grouped by bin, each bin's in acceptance order, with their sort keys beside
   * them: {@code ops[start[b]..start[b + 1])} are bin {@code b}'s. A bin's operations are sorted by
   * path from these contiguous keys: sorting them by comparing paths read each operation's objects,
   * scattered across the heap, several times (13% of a 1 M publish's samples).
   */
  private record Grouped(Op[] ops, long[] keys, int[] start) {}

  /**
   * No online delegated role of {@code state} is due for refresh before {@code notBefore} (a lower
   * bound: a role re-signed since the bound was computed only moved its time later).
   */
  private record RefreshBound(RepoState state, Instant notBefore) {}

  /** Forcing only these never forces a delegated role. */
  private static final Set<String> TOP_LEVEL =
      Set.of(TufRole.ROOT, TufRole.TARGETS, TufRole.SNAPSHOT, TufRole.TIMESTAMP);

  /** The bound for the state this publisher published last; publishes run one at a time. */
  private volatile RefreshBound refreshBound;

  /**
   * A signed bin: its metadata and the targets it lists. Not its file: the store writes that while
   * the other bins are signed, and keeping every file of a large publish until it ends made each
   * young collection copy them (16,384 bins of 1 M targets: 230 MB).
   */
  private record BinDone(String bin, Metadata<Targets> metadata, Map<String, TargetFile> targets) {}

  /** When {@code role}, with validity {@code period}, is due for re-signing. */
  public Instant refreshAt(Instant expires, Duration period) {
    Duration margin = Duration.ofMillis((long) (period.toMillis() * refreshFraction));
    if (margin.compareTo(minMargin) < 0) {
      margin = minMargin.compareTo(period) < 0 ? minMargin : period.dividedBy(2);
    }
    return expires.minus(margin);
  }

  private boolean due(Instant expires, Duration period, Instant now) {
    return !now.isBefore(refreshAt(expires, period));
  }

  /**
   * A new root to publish with this publish: its exact bytes and the settings that follow from it.
   * When its online key differs from the current one, {@code signer} is the new key's, targets
   * delegates to the new key, and every online role is re-signed in this publish.
   */
  public record NewRoot(Metadata<Root> root, byte[] bytes, RepositorySettings settings) {}

  /**
   * New custom delegations for targets (null: unchanged), role files to publish with them, and the
   * settings with the roles' validity periods.
   */
  public record DelegationChange(
      dev.tufrepo.model.Delegations delegations,
      Map<String, SignedFile<Targets>> roleFiles,
      RepositorySettings settings) {}

  /**
   * Publishes {@code drained} on top of {@code state}, plus every role due for refresh and every
   * role in {@code force} ({@code targets}, {@code snapshot}, {@code timestamp}, {@code bins}).
   */
  public Outcome publish(
      RepoState state,
      List<Drained> drained,
      Set<String> force,
      Signer signer,
      Instant now,
      long fencingToken) {
    return publish(state, drained, force, signer, now, fencingToken, null);
  }

  /**
   * As {@link #publish(RepoState, List, Set, Signer, Instant, long)}, also publishing {@code
   * newRoot} (may be null): its file is written with the other versioned files, before the
   * timestamp, and the whole new state is checked under it.
   */
  public Outcome publish(
      RepoState previous,
      List<Drained> drained,
      Set<String> force,
      Signer signer,
      Instant now,
      long fencingToken,
      NewRoot newRoot) {
    return publish(previous, drained, force, signer, now, fencingToken, newRoot, null);
  }

  /** As above, also applying a change of custom delegations (may be null). */
  public Outcome publish(
      RepoState previous,
      List<Drained> drained,
      Set<String> force,
      Signer signer,
      Instant now,
      long fencingToken,
      NewRoot newRoot,
      DelegationChange change) {
    // bins are written as they are signed; they are unreachable until the timestamp is replaced
    try (MetadataStore.WriteGroup group = metadataStore.beginWrite()) {
      return publish(previous, drained, force, signer, now, fencingToken, newRoot, change, group);
    }
  }

  private Outcome publish(
      RepoState previous,
      List<Drained> drained,
      Set<String> force,
      Signer signer,
      Instant now,
      long fencingToken,
      NewRoot newRoot,
      DelegationChange change,
      MetadataStore.WriteGroup group) {
    long started = System.nanoTime();
    boolean rotated =
        newRoot != null
            && !previous.settings().onlineKeyId().equals(newRoot.settings().onlineKeyId());
    if (rotated) {
      force = Set.of(TufRole.TARGETS, RepositorySettings.BINS, TufRole.SNAPSHOT, "timestamp");
    }
    RepoState rooted = newRoot == null ? previous : withNewRoot(previous, newRoot, signer, now);
    RepoState state =
        change == null ? rooted : withDelegations(previous, rooted, change, signer, now);
    Map<String, SignedFile<Targets>> roleFiles = change == null ? Map.of() : change.roleFiles();
    rotated |= change != null; // targets was signed with the new delegations
    Trace trace = new Trace("publish");
    RepositorySettings settings = state.settings();
    RoleMap bins = RoleMap.of(state);

    // 1. group the changes by bin, in acceptance order
    List<Op> ops = ops(drained);
    trace.mark("ops");
    List<int[]> ranges = chunks(ops.size());
    int[] binOf = binIndexes(ops, bins, ranges);
    trace.mark("binIndex");
    int nb = bins.size();
    Grouped grouped = group(ops, binOf, nb, ranges);
    trace.mark("group");
    boolean forceAll = force.contains(RepositorySettings.BINS);
    Set<String> forced = force;
    // Untouched roles are looked at only when one of them may be due or forced: a repository of
    // 16,384 bins would otherwise name and look up every bin in every publish.
    RefreshBound bound = refreshBound;
    boolean scan =
        bound == null
            || bound.state != previous
            || !now.isBefore(bound.notBefore)
            || state != previous
            || !TOP_LEVEL.containsAll(force);
    Instant soonest = scan ? Instant.MAX : bound.notBefore; // of the roles left as they are
    List<BinWork> work = new ArrayList<>();
    int refreshed = 0;
    int[] start = grouped.start;
    for (int i = 0; i < nb; i++) {
      boolean touched = start[i + 1] > start[i];
      if (!scan && !touched) {
        continue;
      }
      String bin = bins.name(i);
      Instant expires = state.binExpires().get(bin);
      if (!bins.online(i) || expires == null || roleFiles.containsKey(bin)) {
        continue; // offline roles are signed by their key holders
      }
      Instant refreshAt = refreshAt(expires, settings.expiration(bin));
      if (touched) {
        work.add(new BinWork(bin, start[i], start[i + 1]));
      } else if (forceAll || force.contains(bin) || !now.isBefore(refreshAt)) {
        work.add(new BinWork(bin, 0, 0));
        refreshed++;
      }
      if (scan && refreshAt.isBefore(soonest)) {
        soonest = refreshAt; // a role re-signed below gets a later one: still a lower bound
      }
    }
    // 2. apply each touched bin's changes, in parallel; the new versions are then known
    boolean[] notFound = new boolean[ops.size()];
    List<Applied> applied =
        parallel(
            work, w -> apply(state, w, now, forceAll || forced.contains(w.bin), notFound, grouped));
    List<Applied> toSign = new ArrayList<>(applied.size());
    for (Applied a : applied) {
      if (a.sign) {
        toSign.add(a);
      }
    }
    trace.mark("apply");
    // 3. sign the changed bins on the executor while this thread builds the rest
    BinSigning signing = new BinSigning(state, signer, verifyBinSignatures);
    int total = toSign.size();
    java.util.concurrent.atomic.AtomicInteger signed =
        new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<List<BinDone>> signingBins =
        parallelChunksAsync(
            toSign,
            chunk -> {
              // in groups of similar sizes: the signer may hash a group's bins side by side, and a
              // group takes as long as its largest
              Integer[] order = new Integer[chunk.size()];
              int[] size = new int[chunk.size()];
              for (int i = 0; i < order.length; i++) {
                order[i] = i;
                size[i] = Json.encodedLength(chunk.get(i).targets);
              }
              java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> size[i]));
              BinDone[] done = new BinDone[order.length];
              for (int from = 0; from < order.length; from += BinSigning.GROUP) {
                int to = Math.min(order.length, from + BinSigning.GROUP);
                List<String> names = new ArrayList<>(to - from);
                List<Targets> ts = new ArrayList<>(to - from);
                for (int j = from; j < to; j++) {
                  Applied a = chunk.get(order[j]);
                  names.add(a.bin);
                  ts.add(
                      new Targets(
                          Signed.SPEC_VERSION,
                          a.version,
                          now.plus(settings.expiration(a.bin)),
                          a.targets,
                          null,
                          Map.of()));
                }
                List<SignedFile<Targets>> files = signing.signAll(names, ts);
                for (int j = from; j < to; j++) {
                  Applied a = chunk.get(order[j]);
                  SignedFile<Targets> file = files.get(j - from);
                  group.add(file.versionedName(a.bin), file.bytes());
                  int n = signed.incrementAndGet();
                  if (n % 1024 == 0 || n == total) {
                    listener.progress("sign bins", n, total);
                  }
                  done[order[j]] = new BinDone(a.bin, file.metadata(), a.targets);
                }
              }
              return java.util.Arrays.asList(done);
            });
    // 4-6 on this thread; on any failure, wait for the signing before the group closes
    try {
      // 4. targets, snapshot, timestamp
      SignedFile<Targets> targets = state.targets();
      boolean newTargets =
          rotated
              || force.contains(TufRole.TARGETS)
              || due(
                  targets.metadata().signed().expires(), settings.expiration(TufRole.TARGETS), now);
      if (newTargets && !rotated) {
        Targets t = targets.metadata().signed();
        targets =
            SignedFile.sign(
                t.withVersion(t.version() + 1)
                    .withExpires(now.plus(settings.expiration(TufRole.TARGETS))),
                signer);
      }
      Map<String, byte[]> files = new java.util.LinkedHashMap<>();
      Map<String, RoleVersion> versions = new HashMap<>();
      Map<String, Instant> newBinExpires = state.binExpires();
      Map<String, Integer> published = new TreeMap<>();
      Snapshot prevSnap = state.snapshot().metadata().signed();
      TreeMap<String, MetaFile> meta = null; // the changed entries of the snapshot
      for (Applied a : toSign) {
        if (meta == null) {
          meta = new TreeMap<>(Json.CODE_POINT_ORDER);
          newBinExpires = new HashMap<>(state.binExpires());
        }
        meta.put(a.bin + ".json", MetaFile.of(a.version));
        Instant binExpires = now.plus(settings.expiration(a.bin));
        versions.put(a.bin, new RoleVersion(a.version, binExpires));
        newBinExpires.put(a.bin, binExpires);
        published.put(a.bin, a.version);
      }
      if (newTargets) {
        if (meta == null) {
          meta = new TreeMap<>(Json.CODE_POINT_ORDER);
        }
        int v = targets.metadata().signed().version();
        meta.put("targets.json", MetaFile.of(v));
        files.put(targets.versionedName(TufRole.TARGETS), targets.bytes());
        versions.put(TufRole.TARGETS, new RoleVersion(v, targets.metadata().signed().expires()));
        published.put(TufRole.TARGETS, v);
      }
      for (Map.Entry<String, SignedFile<Targets>> e : roleFiles.entrySet()) {
        if (meta == null) {
          meta = new TreeMap<>(Json.CODE_POINT_ORDER);
        }
        if (newBinExpires == state.binExpires()) {
          newBinExpires = new HashMap<>(state.binExpires());
        }
        Targets roleMd = e.getValue().metadata().signed();
        meta.put(e.getKey() + ".json", MetaFile.of(roleMd.version()));
        files.put(e.getValue().versionedName(e.getKey()), e.getValue().bytes());
        versions.put(e.getKey(), new RoleVersion(roleMd.version(), roleMd.expires()));
        published.put(e.getKey(), roleMd.version());
        if (RoleMap.of(state).onlineNames().contains(e.getKey())) {
          newBinExpires.put(e.getKey(), roleMd.expires());
        }
      }
      if (newRoot != null) {
        int v = newRoot.root().signed().version();
        files.put(v + ".root.json", newRoot.bytes());
        versions.put(TufRole.ROOT, new RoleVersion(v, newRoot.root().signed().expires()));
        published.put(TufRole.ROOT, v);
      }
      SignedFile<Snapshot> snapshot = state.snapshot();
      Duration snapPeriod = settings.expiration(TufRole.SNAPSHOT);
      if (meta != null
          || force.contains(TufRole.SNAPSHOT)
          || due(prevSnap.expires(), snapPeriod, now)) {
        Snapshot s =
            new Snapshot(
                Signed.SPEC_VERSION,
                prevSnap.version() + 1,
                now.plus(snapPeriod),
                meta == null ? prevSnap.meta() : withChanges(prevSnap.meta(), meta),
                prevSnap.unrecognized());
        snapshot = SignedFile.sign(s, signer);
        files.put(snapshot.versionedName(TufRole.SNAPSHOT), snapshot.bytes());
        versions.put(TufRole.SNAPSHOT, new RoleVersion(s.version(), s.expires()));
        published.put(TufRole.SNAPSHOT, s.version());
      }
      SignedFile<Timestamp> timestamp = state.timestamp();
      Timestamp prevTs = timestamp.metadata().signed();
      Duration tsPeriod = settings.expiration(TufRole.TIMESTAMP);
      boolean newTimestamp =
          snapshot != state.snapshot()
              || force.contains(TufRole.TIMESTAMP)
              || due(prevTs.expires(), tsPeriod, now);
      if (newTimestamp) {
        Timestamp t =
            new Timestamp(
                Signed.SPEC_VERSION,
                prevTs.version() + 1,
                now.plus(tsPeriod),
                Bootstrapper.snapshotMeta(snapshot),
                prevTs.unrecognized());
        timestamp = SignedFile.sign(t, signer);
        versions.put(TufRole.TIMESTAMP, new RoleVersion(t.version(), t.expires()));
        published.put(TufRole.TIMESTAMP, t.version());
      }

      trace.mark("snapshot+timestamp");
      RepoState next = state.with(targets, snapshot, timestamp, newBinExpires);
      boolean check = newTimestamp || newRoot != null;
      if (check) {
        // beside the signing, not during the flush below: measured, the flush is the shorter
        ClientCheck.checkTopLevel(newTimestamp ? previous : null, next, now);
      }
      trace.mark("check");
      // 5. task results
      Results results = results(drained, ops, binOf, bins, notFound, now);
      trace.mark("results");
      // 6. the state store writes the commit while the bins are still being signed; before it
      // commits, the bins are checked and every file made durable, so nothing is committed (and
      // nothing becomes visible) unless all of it is
      files.forEach(group::add);
      Map<String, String> settingValues = new HashMap<>();
      if (newTimestamp) {
        settingValues.put(
            SettingKeys.TIMESTAMP_JSON, new String(timestamp.bytes(), StandardCharsets.UTF_8));
      }
      if (newRoot != null) {
        settingValues.put(SettingKeys.ONLINE_KEY_ID, newRoot.settings().onlineKeyId());
        settingValues.put(SettingKeys.ONLINE_KEY_URI, newRoot.settings().onlineKeyUri());
      }
      List<Long> seqs = drained.stream().map(Drained::seq).toList();
      stateStore.commitPublish(
          new PublishCommit(fencingToken, versions, seqs, results.tasks, settingValues),
          () -> {
            trace.mark("stateWrite");
            List<BinDone> binsDone = join(signingBins);
            trace.mark("bins");
            if (check) {
              checkBins(next, state, binsDone, roleFiles, prevSnap, now);
            }
            trace.mark("checkBins");
            group.commit();
            trace.mark("filesDurable");
          });
      List<BinDone> done = join(signingBins); // completed: the commit waited for it
      trace.mark("stateCommit");
      if (newTimestamp) {
        metadataStore.writeTimestamp(timestamp.bytes());
      }
      trace.mark("timestamp");
      trace.done();
      for (BinDone d : done) {
        cache.put(d.bin, d.metadata.signed().version(), d.targets);
      }
      for (Applied a : toSign) {
        Instant r = refreshAt(newBinExpires.get(a.bin), settings.expiration(a.bin));
        if (r.isBefore(soonest)) {
          soonest = r;
        }
      }
      refreshBound = change == null && newRoot == null ? new RefreshBound(next, soonest) : null;
      PublishResult result =
          new PublishResult(
              published,
              snapshot.metadata().signed().version(),
              timestamp.metadata().signed().version(),
              drained.size(),
              results.added,
              results.removed,
              results.notFound,
              refreshed,
              Duration.ofNanos(System.nanoTime() - started));
      return new Outcome(next, result, results.tasks);
    } catch (RuntimeException | Error e) {
      // no signing thread may still add to the group when it closes; e is the failure to report
      signingBins.handle((list, failure) -> null).join();
      throw e;
    }
  }

  /**
   * Checks the signed bins and the new custom delegated roles as a client would under {@code next}.
   */
  private static void checkBins(
      RepoState next,
      RepoState state,
      List<BinDone> done,
      Map<String, SignedFile<Targets>> roleFiles,
      Snapshot prevSnap,
      Instant now) {
    for (BinDone d : done) {
      ClientCheck.checkBin(next, d.bin, d.metadata, state.version(d.bin), now, next.bins() == null);
    }
    for (Map.Entry<String, SignedFile<Targets>> e : roleFiles.entrySet()) {
      MetaFile before = prevSnap.meta().get(e.getKey() + ".json");
      ClientCheck.checkBin(
          next,
          e.getKey(),
          e.getValue().metadata(),
          before == null ? 0 : before.version(),
          now,
          true);
    }
  }

  /**
   * {@code previous} under {@code newRoot}; when the online key changes, with targets moved to the
   * new key and re-signed by it (online key rotation, rstuf-worker section 4).
   */
  private static RepoState withNewRoot(
      RepoState previous, NewRoot newRoot, Signer signer, Instant now) {
    RepoState state = previous.withRoot(newRoot.root(), newRoot.settings());
    String oldId = previous.settings().onlineKeyId();
    String newId = newRoot.settings().onlineKeyId();
    if (oldId.equals(newId)) {
      return state;
    }
    Targets t = previous.targets().metadata().signed();
    Targets moved =
        RootRotation.moveDelegations(t, oldId, newId, newRoot.root().signed().keys().get(newId));
    SignedFile<Targets> signedTargets =
        SignedFile.sign(
            moved
                .withVersion(t.version() + 1)
                .withExpires(now.plus(state.settings().expiration(TufRole.TARGETS))),
            signer);
    return state.with(signedTargets, state.snapshot(), state.timestamp(), state.binExpires());
  }

  /** {@code state} with targets re-signed over the changed delegations and the new settings. */
  private static RepoState withDelegations(
      RepoState previous, RepoState state, DelegationChange change, Signer signer, Instant now) {
    Targets t = previous.targets().metadata().signed();
    Targets changed = change.delegations() == null ? t : t.withDelegations(change.delegations());
    SignedFile<Targets> signedTargets =
        SignedFile.sign(
            changed
                .withVersion(t.version() + 1)
                .withExpires(now.plus(change.settings().expiration(TufRole.TARGETS))),
            signer);
    Map<String, Instant> expires = new HashMap<>(state.binExpires());
    RepoState next =
        state
            .withSettings(change.settings())
            .with(signedTargets, state.snapshot(), state.timestamp(), expires);
    expires.keySet().retainAll(RoleMap.of(next).onlineNames());
    return next;
  }

  /**
   * A bin after applying its operations: its next version and targets, and whether it is to be
   * signed (its content changed, or it is forced or due for refresh).
   */
  private record Applied(String bin, int version, Map<String, TargetFile> targets, boolean sign) {}

  private Applied apply(
      RepoState state, BinWork w, Instant now, boolean force, boolean[] notFound, Grouped grouped) {
    int version = state.version(w.bin);
    Map<String, TargetFile> base = cache.targets(w.bin, version);
    Changes changes = changes(base, sortedByPath(grouped, w.from, w.to), notFound);
    Instant oldExpires = state.binExpires().get(w.bin);
    boolean refresh = force || due(oldExpires, state.settings().expiration(w.bin), now);
    if (!changes.changed && !refresh) {
      return new Applied(w.bin, version, base, false);
    }
    Map<String, TargetFile> next =
        changes.count == 0
            ? base
            : Json.withSortedChanges(
                base, changes.paths, changes.values, changes.encoded, changes.count);
    return new Applied(w.bin, version + 1, next, true);
  }

  /**
   * The net effect of a bin's operations on {@code base}: for each path touched, its last value
   * (null: removed), in path order. The operations run in acceptance order per path, so an add
   * after a remove re-adds, and a remove of a path that is absent at that point is reported as not
   * found in {@code notFound}.
   */
  private record Changes(
      String[] paths, Object[] values, Json.EncodedMember[] encoded, int count, boolean changed) {}

  /**
   * Paths in code point order. That is UTF-16 order unless both strings have a char from U+D800 up
   * where they first differ, so the JDK's vectorized compareTo serves whenever one path has none.
   */
  private static final java.util.Comparator<Op> BY_PATH =
      (a, b) ->
          a.plain || b.plain
              ? a.path.compareTo(b.path)
              : Json.CODE_POINT_ORDER.compare(a.path, b.path);

  /**
   * A bin's operations (the grouping's {@code [from, to)}) sorted by path, in acceptance order
   * within a path. Sorted by their keys, with their place in the bin in the low 24 bits so that
   * equal keys keep acceptance order; only runs of equal keys (paths that agree in the key's
   * characters) compare the paths themselves.
   */
  private static Op[] sortedByPath(Grouped g, int from, int to) {
    int n = to - from;
    Op[] out = new Op[n];
    if (n <= 1 || n > 1 << 24) {
      System.arraycopy(g.ops, from, out, 0, n);
      if (n > 1) {
        java.util.Arrays.sort(out, BY_PATH); // stable: acceptance order within a path
      }
      return out;
    }
    long[] order = new long[n];
    for (int j = 0; j < n; j++) {
      // keys are unsigned 40-bit: flipping the sign bit makes the signed sort an unsigned one
      order[j] = (g.keys[from + j] << 24 | j) ^ Long.MIN_VALUE;
    }
    java.util.Arrays.sort(order);
    for (int j = 0; j < n; j++) {
      out[j] = g.ops[from + (int) (order[j] & 0xFF_FFFF)];
    }
    for (int j = 0; j < n; ) {
      long key = order[j] >>> 24;
      int end = j + 1;
      while (end < n && order[end] >>> 24 == key) {
        end++;
      }
      if (end - j > 1) {
        java.util.Arrays.sort(out, j, end, BY_PATH); // stable
      }
      j = end;
    }
    return out;
  }

  private static Changes changes(Map<String, TargetFile> base, Op[] ops, boolean[] notFound) {
    boolean empty = base.isEmpty();
    String[] paths = new String[ops.length];
    Object[] values = new Object[ops.length];
    Json.EncodedMember[] encoded = new Json.EncodedMember[ops.length];
    int count = 0;
    boolean changed = false;
    for (int i = 0; i < ops.length; ) {
      String path = ops[i].path;
      long key = ops[i].key;
      TargetFile before = empty ? null : base.get(path);
      TargetFile current = before;
      Json.EncodedMember member = null;
      // a different key is a different path, without reading either
      for (; i < ops.length && ops[i].key == key && ops[i].path.equals(path); i++) {
        Op op = ops[i];
        if (op.info != null) {
          // not read when there is nothing to compare: the info is one more object apart in memory
          changed |= current == null || !op.info.equals(current);
          current = op.info;
          member = op.member;
          op.member = null; // the bin copies it; a collection during the signing may drop it
        } else if (current != null) {
          current = null;
          changed = true;
        } else {
          notFound[op.index] = true;
        }
      }
      if (current != before) {
        paths[count] = path;
        encoded[count] = current == null ? null : member;
        values[count++] = current;
      }
    }
    return new Changes(paths, values, encoded, count, changed);
  }

  /** {@code base} with the entries of {@code changes} put in. */
  private static <V> Map<String, V> withChanges(Map<String, V> base, TreeMap<String, V> changes) {
    String[] keys = changes.keySet().toArray(new String[0]);
    Object[] values = changes.values().toArray();
    return Json.withChanges(base, keys, values, keys.length);
  }

  /** Whether {@code s} has no char from U+D800 up (surrogates and U+E000..U+FFFF). */
  private static boolean noSurrogateRange(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0xD800) {
        return false;
      }
    }
    return true;
  }

  /**
   * The drained batches' operations, in acceptance order (each batch's adds, then its removes),
   * made in parallel chunks when there are many: a million of them took 40-90 ms on one core while
   * the others waited.
   */
  private List<Op> ops(List<Drained> drained) {
    int[] batchStart = new int[drained.size() + 1]; // index of each batch's first operation
    for (int b = 0; b < drained.size(); b++) {
      ArtifactBatch batch = drained.get(b).batch();
      batchStart[b + 1] = batchStart[b] + batch.adds().size() + batch.removes().size();
    }
    Op[] ops = new Op[batchStart[drained.size()]];
    parallel(
        chunks(ops.length),
        r -> {
          // the batch holding the chunk's first operation (empty batches share a start)
          int b = java.util.Arrays.binarySearch(batchStart, r[0]);
          b = b >= 0 ? b : -b - 2;
          while (b + 1 < batchStart.length && batchStart[b + 1] <= r[0]) {
            b++;
          }
          for (int i = r[0]; i < r[1]; ) {
            Drained d = drained.get(b);
            List<Artifact> adds = d.batch().adds();
            List<String> removes = d.batch().removes();
            int end = Math.min(r[1], batchStart[b + 1]);
            for (; i < end; i++) {
              int k = i - batchStart[b];
              if (k < adds.size()) {
                Artifact a = adds.get(k);
                TargetFile info =
                    d.batch().addTaskIdToCustom()
                        ? BatchCodec.withTaskId(a.info(), d.taskId())
                        : a.info();
                ops[i] = new Op(i, b, a.path(), info);
              } else {
                ops[i] = new Op(i, b, removes.get(k - adds.size()), null);
              }
            }
            b++;
          }
          return null;
        });
    return java.util.Arrays.asList(ops);
  }

  /** {@code [from, to)} chunks of {@code n} items: one below 20,000, else 4 per thread. */
  private List<int[]> chunks(int n) {
    int chunks = n < 20_000 ? 1 : parallelism * 4;
    List<int[]> ranges = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      ranges.add(new int[] {(int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)});
    }
    return ranges;
  }

  /**
   * The role index of each operation (-1: none trusted). Also sets each operation's {@link Op#key}
   * and each add's {@link Op#member}, its canonical bytes as a member of its role, made here in
   * acceptance order while the artifacts' objects lie close together in memory: encoding a bin's
   * new targets later, in path order, read objects scattered across the heap and took about four
   * times as long.
   */
  private int[] binIndexes(List<Op> ops, RoleMap bins, List<int[]> ranges) {
    int n = ops.size();
    int[] out = new int[n];
    if (n == 0) {
      return out;
    }
    // the keys start after the prefix that every path shares
    String reference = ops.get(0).path;
    List<Integer> shared =
        parallel(
            ranges,
            r -> {
              Json.MemberEncoder members = new Json.MemberEncoder();
              int prefix = reference.length();
              for (int i = r[0]; i < r[1]; i++) {
                Op op = ops.get(i);
                int b = bins.index(op.path);
                out[i] = b >= 0 && bins.online(b) ? b : -1;
                if (out[i] >= 0 && op.info != null) {
                  op.member = members.encode(op.path, op.info);
                }
                prefix = PathOrder.commonPrefix(reference, op.path, prefix);
              }
              return prefix;
            });
    int prefix = reference.length();
    for (int p : shared) {
      prefix = Math.min(prefix, p);
    }
    int from = prefix;
    parallel(
        ranges,
        r -> {
          for (int i = r[0]; i < r[1]; i++) {
            Op op = ops.get(i);
            op.key = PathOrder.key(op.path, from);
          }
          return null;
        });
    return out;
  }

  /**
   * The operations that have a role, grouped by it, in acceptance order within each: a counting
   * sort whose counts and placement run in the chunks of {@code ranges} in parallel (placing a
   * million operations into 16,384 bins is a million scattered writes, which ran on one core while
   * the other waited).
   */
  private Grouped group(List<Op> ops, int[] binOf, int nb, List<int[]> ranges) {
    // per chunk, its operations in each bin; then, in place, where it puts its next one of each
    List<int[]> at =
        parallel(
            ranges,
            r -> {
              int[] c = new int[nb];
              for (int i = r[0]; i < r[1]; i++) {
                if (binOf[i] >= 0) {
                  c[binOf[i]]++;
                }
              }
              return c;
            });
    int[] start = new int[nb + 1];
    int p = 0;
    for (int b = 0; b < nb; b++) {
      start[b] = p;
      for (int[] c : at) {
        int count = c[b];
        c[b] = p;
        p += count;
      }
    }
    start[nb] = p;
    Op[] grouped = new Op[p];
    long[] keys = new long[p];
    List<Chunk> chunks = new ArrayList<>(ranges.size());
    for (int c = 0; c < ranges.size(); c++) {
      chunks.add(new Chunk(ranges.get(c)[0], ranges.get(c)[1], at.get(c)));
    }
    parallel(
        chunks,
        c -> {
          for (int i = c.from; i < c.to; i++) {
            int b = binOf[i];
            if (b < 0) {
              continue; // no online role is trusted for this path: reported as invalid
            }
            Op op = ops.get(i);
            int q = c.at[b]++;
            grouped[q] = op;
            keys[q] = op.key;
          }
          return null;
        });
    return new Grouped(grouped, keys, start);
  }

  /** Operations {@code [from, to)} and where each of their bins' next one goes. */
  private record Chunk(int from, int to, int[] at) {}

  /** Runs {@code f} over {@code items} on the executor, in about 4 x parallelism chunks. */
  private <T, R> List<R> parallel(List<T> items, java.util.function.Function<T, R> f) {
    if (items.size() <= 1) {
      List<R> out = new ArrayList<>(items.size());
      for (T t : items) {
        out.add(f.apply(t));
      }
      return out;
    }
    return join(parallelAsync(items, f));
  }

  /**
   * Starts {@code f} over {@code items} on the executor, in about 4 x parallelism chunks; the
   * future completes, with the results in order, when every chunk has finished (after a failure
   * too, so that nothing is still running when it completes exceptionally).
   */
  private <T, R> CompletableFuture<List<R>> parallelAsync(
      List<T> items, java.util.function.Function<T, R> f) {
    return parallelChunksAsync(
        items,
        part -> {
          List<R> out = new ArrayList<>(part.size());
          for (T t : part) {
            out.add(f.apply(t));
          }
          return out;
        });
  }

  /**
   * As {@link #parallelAsync}, with {@code f} given each chunk whole; it returns one result per
   * item of its chunk, in the chunk's order.
   */
  private <T, R> CompletableFuture<List<R>> parallelChunksAsync(
      List<T> items, java.util.function.Function<List<T>, List<R>> f) {
    int chunks = Math.max(1, Math.min(items.size(), parallelism * 4));
    List<CompletableFuture<List<R>>> futures = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      List<T> part = items.subList(items.size() * c / chunks, items.size() * (c + 1) / chunks);
      futures.add(CompletableFuture.supplyAsync(() -> f.apply(part), executor));
    }
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            ignored -> {
              List<R> all = new ArrayList<>(items.size());
              for (CompletableFuture<List<R>> fu : futures) {
                all.addAll(fu.join());
              }
              return all;
            });
  }

  /** The result of {@code future}, its failure rethrown as it was thrown. */
  private static <R> R join(CompletableFuture<R> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private record Results(List<TaskRecord> tasks, int added, int removed, int notFound) {}

  /**
   * About the size of a task result's JSON: its paths and role names, which a large batch has by
   * the million, plus the fixed fields.
   */
  private static int resultSize(long pathChars, java.util.BitSet roles) {
    return (int) Math.min(512 + pathChars + roles.cardinality() * 16L, Integer.MAX_VALUE - 64);
  }

  /** What became of an operation, as a task result reports it. */
  private static final byte ADDED = 0;

  private static final byte INVALID = 1;
  private static final byte DELETED = 2;
  private static final byte NOT_FOUND = 3;

  /**
   * The task results, in RSTUF's shape (the bytes {@link TaskResult#toJson()} writes), written
   * straight from the operations: a batch's operations lie together in {@code ops}, adds then
   * removes. Lists of a million JSON strings, sorted maps and a second pass over them cost the
   * publishing thread as much as the rest of its work did.
   */
  private static Results results(
      List<Drained> drained,
      List<Op> ops,
      int[] binOf,
      RoleMap bins,
      boolean[] notFound,
      Instant now) {
    int n = drained.size();
    int[] total = new int[4];
    byte[] kind = new byte[ops.size()];
    List<TaskRecord> tasks = new ArrayList<>(n);
    String when = now.toString();
    int from = 0;
    for (int b = 0; b < n; b++) {
      Drained d = drained.get(b);
      int to = from + d.batch().adds().size() + d.batch().removes().size();
      long pathChars = 0;
      java.util.BitSet roles = new java.util.BitSet(); // role indexes: names sort like indexes
      for (int i = from; i < to; i++) {
        Op op = ops.get(i);
        byte k;
        if (op.info != null) {
          k = binOf[i] < 0 ? INVALID : ADDED;
          if (k == ADDED) {
            roles.set(binOf[i]);
          }
        } else {
          k = notFound[i] || binOf[i] < 0 ? NOT_FOUND : DELETED;
        }
        kind[i] = k;
        total[k]++;
        pathChars += op.path.length() + 3;
      }
      String name = d.batch().taskName();
      JsonWriter w = JsonWriter.json(resultSize(pathChars, roles));
      w.beginObject().name("details").beginObject();
      String message;
      if (name.equals("remove_artifacts")) {
        message = "Artifact(s) removed";
        paths(w.name("deleted_artifacts"), ops, kind, DELETED, from, to);
        paths(w.name("not_found_artifacts"), ops, kind, NOT_FOUND, from, to);
      } else {
        message = "Artifact(s) Added";
        paths(w.name("added_artifacts"), ops, kind, ADDED, from, to);
        w.name("artifact_roles").beginArray();
        roles.stream().forEach(r -> w.value(bins.name(r)));
        w.endArray();
        boolean removes = !d.batch().removes().isEmpty();
        if (removes) {
          paths(w.name("deleted_artifacts"), ops, kind, DELETED, from, to);
        }
        paths(w.name("invalid_paths"), ops, kind, INVALID, from, to);
        if (removes) {
          paths(w.name("not_found_artifacts"), ops, kind, NOT_FOUND, from, to);
        }
      }
      w.endObject();
      w.name("error").nullValue();
      w.name("last_update").value(when);
      w.name("message").value(message);
      w.name("status").value(true);
      w.name("task").value(name);
      w.endObject();
      tasks.add(
          new TaskRecord(
              d.taskId(),
              name,
              TaskStates.SUCCESS,
              now,
              new String(w.buffer(), 0, w.size(), StandardCharsets.UTF_8)));
      from = to;
    }
    return new Results(tasks, total[ADDED], total[DELETED], total[NOT_FOUND]);
  }

  /** The paths of the operations in {@code [from, to)} of kind {@code k}, as a JSON array. */
  private static void paths(JsonWriter w, List<Op> ops, byte[] kind, byte k, int from, int to) {
    w.beginArray();
    for (int i = from; i < to; i++) {
      if (kind[i] == k) {
        w.value(ops.get(i).path);
      }
    }
    w.endArray();
  }
}
