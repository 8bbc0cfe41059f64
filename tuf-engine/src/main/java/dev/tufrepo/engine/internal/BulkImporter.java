package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.EngineListener;
import dev.tufrepo.engine.InvalidRequestException;
import dev.tufrepo.engine.PublishResult;
import dev.tufrepo.engine.PublishVerificationException;
import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.json.Json;
import dev.tufrepo.model.MetaFile;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * A bulk import that bypasses the durable queue (the caller's input is the durable source; an
 * import can be run again, and re-adding a path replaces it). The artifacts come in parts, each
 * covering bins no other part touches. Each part is validated, applied to its bins, signed and
 * written while the caller prepares the next one, and only the new versions of its bins are kept,
 * so memory holds about three parts. One snapshot and one timestamp follow at the end, after the
 * client-style checks of {@link ClientCheck}; bin signatures are re-verified on a sample (every
 * {@value #VERIFY_EVERY}th bin). A failure before the timestamp leaves the published repository as
 * it was: the bins already written are versioned files no snapshot lists.
 */
public final class BulkImporter {
  static final int VERIFY_EVERY = 64;

  private final MetadataStore metadataStore;
  private final StateStore stateStore;
  private final Executor executor;
  private final int parallelism;
  private final BinCache cache;
  private final Publisher publisher;
  private final boolean verifyBinSignatures;
  private final EngineListener listener;

  public BulkImporter(
      MetadataStore metadataStore,
      StateStore stateStore,
      Executor executor,
      int parallelism,
      BinCache cache,
      Publisher publisher,
      boolean verifyBinSignatures,
      EngineListener listener) {
    this.metadataStore = metadataStore;
    this.stateStore = stateStore;
    this.executor = executor;
    this.parallelism = Math.max(1, parallelism);
    this.cache = cache;
    this.publisher = publisher;
    this.verifyBinSignatures = verifyBinSignatures;
    this.listener = listener;
  }

  /** One part's new bins: their files, and per bin its index, version and expiry. */
  private record PartDone(Map<String, byte[]> files, List<BinOut> bins, int added) {}

  private record BinOut(int index, String name, int version, Instant expires, byte[] bytes) {}

  /** Everything one import run shares between its parts. */
  private final class Run {
    final RepoState state;
    final RoleMap roles;
    final BinSigning signing;
    final BinSigning verifying;
    final Signer signer;
    final Instant now;
    final BitSet seen = new BitSet();
    final int[] newVersion;
    final Instant[] newExpires;
    int added;
    int partIndex;
    int binsWritten;

    Run(RepoState state, Signer signer, Instant now) {
      this.state = state;
      this.roles = RoleMap.of(state);
      this.signing = new BinSigning(state, signer, false);
      this.verifying = new BinSigning(state, signer, verifyBinSignatures);
      this.signer = signer;
      this.now = now;
      this.newVersion = new int[roles.size()];
      this.newExpires = new Instant[roles.size()];
    }
  }

  /** Imports {@code parts} on top of {@code state}; see the class comment. */
  public Publisher.Outcome run(
      RepoState state,
      Iterator<? extends List<Artifact>> parts,
      Signer signer,
      Instant now,
      long fencingToken) {
    long started = System.nanoTime();
    Run run = new Run(state, signer, now);
    // three stages at once: the caller reads part k+1, the executor signs part k and writes part
    // k-1 (one write at a time, so one executor thread at most waits for the disk)
    CompletableFuture<PartDone> inFlight = null;
    CompletableFuture<Void> writing = CompletableFuture.completedFuture(null);
    try {
      while (parts.hasNext()) {
        List<Artifact> part = parts.next();
        PartDone previous = inFlight == null ? null : join(inFlight);
        inFlight = part == null || part.isEmpty() ? null : start(run, part);
        if (previous != null) {
          join(writing);
          writing = CompletableFuture.runAsync(() -> write(run, previous), executor);
        }
      }
      if (inFlight != null) {
        PartDone last = join(inFlight);
        join(writing);
        writing = CompletableFuture.runAsync(() -> write(run, last), executor);
      }
      join(writing);
    } catch (RuntimeException e) {
      // let the work already started end before the lease is released
      for (CompletableFuture<?> f : java.util.Arrays.asList(inFlight, writing)) {
        if (f != null) {
          try {
            f.join();
          } catch (RuntimeException suppressed) {
            if (suppressed != e && suppressed.getCause() != e) {
              e.addSuppressed(suppressed);
            }
          }
        }
      }
      throw e;
    }
    return finish(run, fencingToken, started);
  }

  private void write(Run run, PartDone done) {
    if (!done.files.isEmpty()) {
      metadataStore.writeVersioned(done.files);
    }
    for (BinOut b : done.bins) {
      run.newVersion[b.index] = b.version;
      run.newExpires[b.index] = b.expires;
    }
    run.added += done.added;
    run.partIndex++;
    run.binsWritten += done.bins.size();
    listener.progress("import bins", run.binsWritten, run.newVersion.length);
  }

  /** Validates and indexes {@code part} in parallel, then applies and signs its bins. */
  private CompletableFuture<PartDone> start(Run run, List<Artifact> part) {
    int n = part.size();
    int[] binOf = new int[n];
    int chunks = n < 4096 ? 1 : parallelism * 2;
    List<CompletableFuture<Void>> indexing = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      indexing.add(CompletableFuture.runAsync(() -> index(run, part, from, to, binOf), executor));
    }
    return CompletableFuture.allOf(indexing.toArray(new CompletableFuture<?>[0]))
        .thenComposeAsync(v -> signBins(run, part, binOf), executor);
  }

  private static void index(Run run, List<Artifact> part, int from, int to, int[] binOf) {
    for (int i = from; i < to; i++) {
      Artifact a = part.get(i);
      try {
        ArtifactRules.checkPath(a.path(), "path");
        ArtifactRules.checkInfo(a.info(), "info");
      } catch (InvalidRequestException e) {
        throw new InvalidRequestException(
            e.field(), e.reason() + " (artifact \"" + a.path() + "\")");
      }
      int b = run.roles.index(a.path());
      if (b < 0 || !run.roles.online(b)) {
        throw new InvalidRequestException(
            "path", "no role signed by the online key is trusted for \"" + a.path() + "\"");
      }
      binOf[i] = b;
    }
  }

  /** Groups {@code part} by bin (a stable counting sort) and signs the bins in parallel. */
  private CompletableFuture<PartDone> signBins(Run run, List<Artifact> part, int[] binOf) {
    Map<Integer, int[]> counts = new TreeMap<>();
    for (int b : binOf) {
      counts.computeIfAbsent(b, k -> new int[1])[0]++;
    }
    int[] bins = new int[counts.size()];
    int[] start = new int[counts.size() + 1];
    Map<Integer, Integer> slot = new HashMap<>(counts.size() * 2);
    int k = 0;
    for (Map.Entry<Integer, int[]> e : counts.entrySet()) {
      int b = e.getKey();
      if (run.seen.get(b)) {
        throw new InvalidRequestException(
            "parts",
            "bin " + run.roles.name(b) + " appears in more than one part; parts must be disjoint");
      }
      run.seen.set(b);
      bins[k] = b;
      start[k + 1] = start[k] + e.getValue()[0];
      slot.put(b, k++);
    }
    Artifact[] sorted = new Artifact[part.size()];
    int[] fill = start.clone();
    for (int i = 0; i < binOf.length; i++) {
      sorted[fill[slot.get(binOf[i])]++] = part.get(i);
    }
    int chunks = Math.min(bins.length, parallelism * 4);
    List<CompletableFuture<List<BinOut>>> signing = new ArrayList<>(chunks);
    int[] added = new int[Math.max(chunks, 1)];
    for (int c = 0; c < chunks; c++) {
      int from = bins.length * c / chunks;
      int to = bins.length * (c + 1) / chunks;
      int chunk = c;
      signing.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<BinOut> out = new ArrayList<>(to - from);
                for (int j = from; j < to; j++) {
                  BinOut o = applyBin(run, bins[j], sorted, start[j], start[j + 1], added, chunk);
                  if (o != null) {
                    out.add(o);
                  }
                }
                return out;
              },
              executor));
    }
    return CompletableFuture.allOf(signing.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              Map<String, byte[]> files = new LinkedHashMap<>();
              List<BinOut> all = new ArrayList<>();
              int total = 0;
              for (int c = 0; c < signing.size(); c++) {
                for (BinOut o : signing.get(c).join()) {
                  files.put(o.version + "." + o.name + ".json", o.bytes);
                  all.add(new BinOut(o.index, o.name, o.version, o.expires, null));
                }
                total += added[c];
              }
              return new PartDone(files, all, total);
            });
  }

  /** The new version of bin {@code b} with {@code rows[from, to)} applied, or null if unchanged. */
  private BinOut applyBin(
      Run run, int b, Artifact[] rows, int from, int to, int[] added, int chunk) {
    String name = run.roles.name(b);
    int version = run.state.version(name);
    Map<String, TargetFile> base = cache.targets(name, version);
    TreeMap<String, TargetFile> targets = new TreeMap<>(Json.CODE_POINT_ORDER);
    targets.putAll(base);
    // the same path more than once: the last row wins, counted once
    boolean changed = false;
    int distinct = -base.size();
    for (int i = from; i < to; i++) {
      Artifact a = rows[i];
      TargetFile prev = targets.put(a.path(), a.info());
      if (prev != null && prev == base.get(a.path())) {
        distinct++; // replaces an entry published before
      }
      changed |= !a.info().equals(prev);
    }
    added[chunk] += distinct + targets.size();
    if (!changed) {
      return null;
    }
    Instant expires = run.now.plus(run.state.settings().expiration(name));
    Targets t =
        new Targets(
            Signed.SPEC_VERSION, version + 1, expires, Json.freeze(targets), null, Map.of());
    BinSigning s = b % VERIFY_EVERY == 0 ? run.verifying : run.signing;
    SignedFile<Targets> file = s.sign(name, t);
    return new BinOut(b, name, version + 1, expires, file.bytes());
  }

  /** Snapshot and timestamp over the new bins, the client-style check, the commit. */
  private Publisher.Outcome finish(Run run, long fencingToken, long started) {
    RepoState state = run.state;
    Instant now = run.now;
    RepositorySettings settings = state.settings();
    Snapshot prevSnap = state.snapshot().metadata().signed();
    TreeMap<String, MetaFile> meta = new TreeMap<>(Json.CODE_POINT_ORDER);
    meta.putAll(prevSnap.meta());
    Map<String, RoleVersion> versions = new HashMap<>();
    Map<String, Integer> published = new TreeMap<>();
    Map<String, Instant> binExpires = new HashMap<>(state.binExpires());
    for (int b = 0; b < run.newVersion.length; b++) {
      int v = run.newVersion[b];
      if (v == 0) {
        continue;
      }
      String name = run.roles.name(b);
      if (v <= state.version(name) || !run.newExpires[b].isAfter(now)) {
        throw new PublishVerificationException(
            String.format(
                Locale.ROOT,
                "%s: version %d or expiry %s is not valid",
                name,
                v,
                run.newExpires[b]));
      }
      meta.put(name + ".json", MetaFile.of(v));
      versions.put(name, new RoleVersion(v, run.newExpires[b]));
      binExpires.put(name, run.newExpires[b]);
      published.put(name, v);
    }
    if (published.isEmpty()) {
      PublishResult none =
          new PublishResult(
              Map.of(),
              prevSnap.version(),
              state.timestamp().metadata().signed().version(),
              0,
              run.added,
              0,
              0,
              0,
              Duration.ofNanos(System.nanoTime() - started));
      return new Publisher.Outcome(state, none, List.of());
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    SignedFile<Targets> targets = state.targets();
    Targets top = targets.metadata().signed();
    Duration targetsPeriod = settings.expiration(TufRole.TARGETS);
    if (!now.isBefore(publisher.refreshAt(top.expires(), targetsPeriod))) {
      targets =
          SignedFile.sign(
              top.withVersion(top.version() + 1).withExpires(now.plus(targetsPeriod)), run.signer);
      int v = targets.metadata().signed().version();
      meta.put("targets.json", MetaFile.of(v));
      files.put(targets.versionedName(TufRole.TARGETS), targets.bytes());
      versions.put(TufRole.TARGETS, new RoleVersion(v, targets.metadata().signed().expires()));
      published.put(TufRole.TARGETS, v);
    }
    Snapshot s =
        new Snapshot(
            Signed.SPEC_VERSION,
            prevSnap.version() + 1,
            now.plus(settings.expiration(TufRole.SNAPSHOT)),
            Json.freeze(meta),
            prevSnap.unrecognized());
    SignedFile<Snapshot> snapshot = SignedFile.sign(s, run.signer);
    files.put(snapshot.versionedName(TufRole.SNAPSHOT), snapshot.bytes());
    versions.put(TufRole.SNAPSHOT, new RoleVersion(s.version(), s.expires()));
    published.put(TufRole.SNAPSHOT, s.version());
    Timestamp prevTs = state.timestamp().metadata().signed();
    Timestamp t =
        new Timestamp(
            Signed.SPEC_VERSION,
            prevTs.version() + 1,
            now.plus(settings.expiration(TufRole.TIMESTAMP)),
            Bootstrapper.snapshotMeta(snapshot),
            prevTs.unrecognized());
    SignedFile<Timestamp> timestamp = SignedFile.sign(t, run.signer);
    versions.put(TufRole.TIMESTAMP, new RoleVersion(t.version(), t.expires()));
    published.put(TufRole.TIMESTAMP, t.version());

    RepoState next = state.with(targets, snapshot, timestamp, binExpires);
    ClientCheck.checkTopLevel(state, next, now);
    metadataStore.writeVersioned(files);
    stateStore.commitPublish(
        new PublishCommit(
            fencingToken,
            versions,
            List.of(),
            List.of(),
            Map.of(
                SettingKeys.TIMESTAMP_JSON,
                new String(timestamp.bytes(), StandardCharsets.UTF_8))));
    metadataStore.writeTimestamp(timestamp.bytes());
    PublishResult result =
        new PublishResult(
            published,
            s.version(),
            t.version(),
            0,
            run.added,
            0,
            0,
            0,
            Duration.ofNanos(System.nanoTime() - started));
    return new Publisher.Outcome(next, result, List.of());
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }
}
