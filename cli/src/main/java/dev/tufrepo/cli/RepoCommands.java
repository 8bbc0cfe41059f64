package dev.tufrepo.cli;

import dev.tufrepo.engine.BootstrapRequest;
import dev.tufrepo.engine.EngineListener;
import dev.tufrepo.engine.PublishResult;
import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.engine.RepositoryVerifier;
import dev.tufrepo.engine.TaskResult;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands on a local repository directory, without a server. */
@Command(
    name = "repo",
    mixinStandardHelpOptions = true,
    description =
        "Create a local repository (tufrepo-data layout: metadata/, state/, keys/); prune old"
            + " versions.",
    subcommands = {RepoCommands.Init.class, RepoCommands.Prune.class})
final class RepoCommands extends Group {

  /** The {@code --repo DIR} option. */
  static final class RepoOption {
    @Option(
        names = {"-r", "--repo"},
        paramLabel = "DIR",
        defaultValue = "tufrepo-data",
        description =
            "The repository directory (default: ${DEFAULT-VALUE}, as tufrepo serve uses).")
    Path dir;
  }

  static JsonObject publishJson(PublishResult r) {
    return Jsons.obj(
        "published", !r.isEmpty(),
        "roles_signed", r.roleVersions().size(),
        "bins_signed", r.rolesSigned(),
        "snapshot_version", r.snapshotVersion(),
        "timestamp_version", r.timestampVersion(),
        "batches", r.batches(),
        "added", r.added(),
        "removed", r.removed(),
        "not_found", r.notFound(),
        "refreshed", r.refreshed(),
        "duration_ms", r.duration().toMillis());
  }

  static String publishText(PublishResult r) {
    if (r.isEmpty()) {
      return "nothing to publish";
    }
    return String.format(
        Locale.ROOT,
        "published snapshot v%d, timestamp v%d: %d role(s) signed (%d bins), %d added, %d removed, %d not found, %d refreshed in %d ms",
        r.snapshotVersion(),
        r.timestampVersion(),
        r.roleVersions().size(),
        r.rolesSigned(),
        r.added(),
        r.removed(),
        r.notFound(),
        r.refreshed(),
        r.duration().toMillis());
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the key ceremony and bootstraps a new repository in --repo DIR.",
        "Generated root keys go to DIR/offline-root-keys (move them offline!), the online key to DIR/keys.",
        "With --payload, bootstraps from a ceremony payload written by tufrepo admin ceremony instead."
      })
  static final class Init extends Cmd {
    @Mixin RepoOption repo;
    @Mixin CeremonyOptions ceremony;

    @Option(
        names = {"-i", "--interactive"},
        description = "Ask for every setting not given.")
    boolean interactive;

    @Option(
        names = "--payload",
        paramLabel = "FILE",
        description = "Bootstrap from this ceremony payload.")
    Path payload;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description = "Also write the bootstrap payload here.")
    Path out;

    Init(Io io) {
      super(io);
    }

    @Override
    protected void run() throws Exception {
      Path dir = repo.dir;
      if (Files.isDirectory(dir.resolve("state"))) {
        try (LocalRepo r = LocalRepo.open(dir)) {
          if (r.engine.isBootstrapped() || r.engine.bootstrapState().isPresent()) {
            throw CliException.invalid("repo: " + dir + " is already bootstrapped");
          }
        }
      }
      BootstrapRequest request;
      Ceremony.Result result = null;
      if (payload != null) {
        request = Ceremony.requestFromPayload(Files.readAllBytes(payload));
      } else {
        Ceremony.Spec spec =
            ceremony.resolve(
                dir.resolve("offline-root-keys"),
                dir.resolve("keys"),
                interactive ? new Prompter(io) : null,
                300);
        result = Ceremony.run(spec, Instant.now());
        if (!result.thresholdMet()) {
          deleteAll(result.written());
          throw CliException.invalid(
              String.format(
                  Locale.ROOT,
                  "root-key: a local bootstrap needs root signed now by %d key(s), but only %d private root key(s) signed; give private PEM files or generate keys, and --sign now",
                  spec.rootThreshold(),
                  result.signatures()));
        }
        copyOnlineKey(dir, result);
        request = result.bootstrapRequest(spec);
        if (out != null) {
          Files.write(out, Ceremony.bytes(result.payload()));
        }
      }
      TaskResult tr;
      try (LocalRepo r = LocalRepo.open(dir)) {
        tr = r.engine.bootstrap(request);
        if (!tr.status()) {
          throw CliException.invalid("bootstrap: " + tr.message() + ": " + tr.error());
        }
        RepositorySettings s = r.engine.settings().orElseThrow();
        List<String> files = new ArrayList<>();
        if (result != null) {
          result.written().forEach(p -> files.add(p.toString()));
        }
        JsonObject data =
            Jsons.obj(
                "repo", dir.toString(),
                "task_id", tr.task() == null ? null : tr.toJson().get("task"),
                "bins", s.numberOfBins(),
                "online_key", s.onlineKeyId(),
                "online_key_uri", s.onlineKeyUri(),
                "root_keys",
                    result == null ? List.of() : result.root().signed().role("root").keyids(),
                "key_files", files,
                "metadata", dir.resolve("metadata").toString());
        StringBuilder text = new StringBuilder();
        if (result != null) {
          text.append(Ceremony.review(result));
        }
        text.append("Bootstrapped ")
            .append(dir)
            .append(": ")
            .append(s.numberOfBins())
            .append(" bins, metadata in ")
            .append(dir.resolve("metadata"))
            .append('\n');
        for (String f : files) {
          text.append("wrote key ").append(f).append(" (0600)\n");
        }
        if (!files.isEmpty()) {
          text.append("Root keys are offline keys: move them off this machine.\n");
        }
        print(data, text.toString());
      }
    }

    /** Puts the online key's private part where the key vault finds it (DIR/keys/<file>). */
    private static void copyOnlineKey(Path dir, Ceremony.Result result) {
      String uri = result.onlineKeyUri();
      if (!uri.startsWith("fn:")) {
        return;
      }
      Path target = dir.resolve("keys").resolve(uri.substring(3));
      if (Files.exists(target)) {
        return;
      }
      // the online key was given as a file: copy its private part
      KeyFiles.Loaded online = KeyFiles.read(result.onlineKeyFile());
      if (!online.isPrivate()) {
        throw CliException.invalid(
            "online-key: the private online key must be in "
                + target
                + " (it is found through "
                + uri
                + "); give its private PEM file");
      }
      KeyFiles.writeSigner(target, online.signer());
    }

    private static void deleteAll(List<Path> files) {
      for (Path p : files) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: the files were just made by this command
        }
      }
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Adds artifacts in bulk from CSV (path,length,sha256[,sha512]) or JSON Lines rows,",
        "streamed in chunks with bounded memory, then publishes once."
      })
  static final class Import extends Cmd {
    @Mixin RepoOption repo;

    @Parameters(paramLabel = "FILE", description = "The rows; - reads standard input.")
    String file;

    @Option(
        names = "--format",
        description = "csv or jsonl (default: from the file name, else csv).")
    RowReader.Format format;

    @Option(
        names = "--chunk",
        defaultValue = "100000",
        description = "Rows per queued batch (default ${DEFAULT-VALUE}).")
    int chunk;

    @Option(
        names = "--no-publish",
        description = "Only queue the rows; publish later with tufrepo publish.")
    boolean noPublish;

    @Option(
        names = "--round-rows",
        paramLabel = "N",
        description =
            "Rows published together at most; more are partitioned by bin on disk first (default: from the heap size).")
    Integer roundRows;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    Import(Io io) {
      super(io);
    }

    @Override
    protected void run() throws Exception {
      if (chunk < 1) {
        throw CliException.invalid("chunk: must be at least 1");
      }
      Path path = file.equals("-") ? null : Path.of(file);
      if (path != null && !Files.isRegularFile(path)) {
        throw CliException.io("cannot read " + file + ": no such file", null);
      }
      RowReader.Format fmt = format;
      if (fmt == null) {
        String n = file.toLowerCase(Locale.ROOT);
        fmt =
            n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")
                ? RowReader.Format.jsonl
                : RowReader.Format.csv;
      }
      long totalBytes = path == null ? 0 : Files.size(path);
      Progress progress = new Progress(io.err(), io.terminal(), quiet || common.json());
      EngineListener listener =
          new EngineListener() {
            @Override
            public void progress(String step, long done, long total) {
              progress.update("publish", done, total, step + " " + done + "/" + total);
            }
          };
      int round = roundRows != null ? roundRows : BulkImport.defaultRoundRows();
      if (round < 1) {
        throw CliException.invalid("round-rows: must be at least 1");
      }
      long t0 = System.nanoTime();
      try (LocalRepo r =
              LocalRepo.openBootstrapped(repo.dir, listener, Math.max(round * 2L, 100_000));
          CountingStream counted =
              new CountingStream(path == null ? io.in() : Files.newInputStream(path));
          BufferedReader br =
              new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8), 1 << 16)) {
        RowReader reader = new RowReader(br, fmt, file);
        BulkImport.Result res =
            new BulkImport(r, progress, round, chunk, !noPublish)
                .run(reader, file, counted, totalBytes);
        progress.done();
        long t1 = System.nanoTime();
        List<Object> pubs = new ArrayList<>();
        int binsSigned = 0;
        for (PublishResult pr : res.publishes()) {
          pubs.add(publishJson(pr));
          binsSigned += pr.rolesSigned();
        }
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("rows", res.rows());
        data.put("artifacts", res.unique());
        data.put("batches", res.batches());
        data.put("publishes", pubs.size());
        data.put("bins_signed", binsSigned);
        data.put("partitioned", res.spilled());
        data.put("total_ms", (t1 - t0) / 1_000_000);
        data.put("publish", pubs);
        String text =
            String.format(
                    Locale.ROOT,
                    "imported %,d rows (%,d artifacts) in %d batch(es), %d publish(es), %d bins signed, %.2f s%n",
                    res.rows(),
                    res.unique(),
                    res.batches(),
                    pubs.size(),
                    binsSigned,
                    (t1 - t0) / 1e9)
                + (res.rows() == 0
                    ? "nothing to import\n"
                    : noPublish
                        ? "not published (--no-publish): run tufrepo publish\n"
                        : res.publishes().isEmpty()
                            ? ""
                            : publishText(res.publishes().get(res.publishes().size() - 1)) + "\n");
        print(Jsons.of(data), text);
      }
    }
  }

  /** Counts the bytes read, for progress. */
  static final class CountingStream extends FilterInputStream {
    volatile long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = "Publishes everything queued in the local repository as one new snapshot.")
  static final class Publish extends Cmd {
    @Mixin RepoOption repo;

    Publish(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      try (LocalRepo r = LocalRepo.openBootstrapped(repo.dir)) {
        PublishResult pr = r.engine.publish();
        print(publishJson(pr), publishText(pr));
      }
    }
  }

  /**
   * Parses {@code 30d}, {@code 12h}, {@code 15m}, {@code 90s}, {@code 0} or ISO-8601 {@code PT1H}.
   */
  static java.time.Duration duration(String field, String s) {
    String v = s.strip();
    try {
      if (v.equals("0")) {
        return java.time.Duration.ZERO;
      }
      if (v.startsWith("P") || v.startsWith("p")) {
        return java.time.Duration.parse(v);
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      switch (Character.toLowerCase(v.charAt(v.length() - 1))) {
        case 'd':
          return java.time.Duration.ofDays(n);
        case 'h':
          return java.time.Duration.ofHours(n);
        case 'm':
          return java.time.Duration.ofMinutes(n);
        case 's':
          return java.time.Duration.ofSeconds(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw CliException.invalid(
        field + ": expected a duration like 30d, 12h, 15m, 90s, 0 or PT1H, got \"" + s + "\"");
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description = {
        "Deletes old consistent-snapshot metadata files.",
        "Versions beyond the newest --keep of each role that are also older than --min-age;",
        "never a root, nor anything the current snapshot or timestamp references.",
        "Run it on a stopped server's data directory (or set retention-keep on serve)."
      })
  static final class Prune extends Cmd {
    @Mixin RepoOption repo;

    @Option(
        names = "--keep",
        paramLabel = "N",
        defaultValue = "10",
        description = "Keep this many newest versions of each role (default ${DEFAULT-VALUE}).")
    int keep;

    @Option(
        names = "--min-age",
        paramLabel = "DURATION",
        defaultValue = "7d",
        description =
            "Delete only files at least this old: 30d, 12h, 0... (default ${DEFAULT-VALUE}).")
    String minAge;

    Prune(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      if (keep < 1) {
        throw CliException.invalid("keep: must be 1 or more, got " + keep);
      }
      java.time.Duration age = duration("min-age", minAge);
      try (LocalRepo r = LocalRepo.openBootstrapped(repo.dir)) {
        int n = r.engine.pruneOldVersions(keep, age);
        print(
            Jsons.obj("deleted", n, "keep", keep, "min_age_s", age.toSeconds()),
            "deleted " + n + " old metadata file(s)\n");
      }
    }
  }

  @Command(
      name = "refresh",
      mixinStandardHelpOptions = true,
      description = "Re-signs the online roles that are close to expiry (or --force them).")
  static final class Refresh extends Cmd {
    @Mixin RepoOption repo;

    @Option(
        names = "--force",
        split = ",",
        paramLabel = "ROLE",
        description = "Re-sign these roles now: targets, bins, snapshot, timestamp.")
    List<String> force;

    Refresh(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      try (LocalRepo r = LocalRepo.openBootstrapped(repo.dir)) {
        PublishResult pr =
            force == null || force.isEmpty()
                ? r.engine.refresh()
                : r.engine.forceUpdate(new java.util.LinkedHashSet<>(force));
        print(publishJson(pr), publishText(pr));
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks published metadata the way a TUF client would, from a trusted root, and lists every problem.",
        "Exit code 2 when there is any problem."
      })
  static final class Verify extends Cmd {
    @Mixin RepoOption repo;

    @Option(
        names = "--metadata-dir",
        paramLabel = "DIR",
        description = "Published metadata directory (default: REPO/metadata).")
    Path metadataDir;

    @Option(
        names = "--metadata-url",
        paramLabel = "URL",
        description = "Verify metadata served at this URL instead.")
    String metadataUrl;

    @Option(
        names = "--root",
        paramLabel = "FILE",
        description =
            "The trusted root (default: 1.root.json of the repository itself, trust on first use).")
    Path root;

    @Option(names = "--list-targets", description = "Also list every target found.")
    boolean listTargets;

    Verify(Io io) {
      super(io);
    }

    @Override
    protected void run() throws Exception {
      MetadataStore store;
      if (metadataUrl != null) {
        store = new HttpMetadataStore(metadataUrl);
      } else {
        Path dir = metadataDir != null ? metadataDir : repo.dir.resolve("metadata");
        if (!Files.isDirectory(dir)) {
          throw CliException.io("no metadata directory " + dir, null);
        }
        store = FileSystemMetadataStore.open(dir);
      }
      try {
        byte[] trusted;
        String trustNote = null;
        if (root != null) {
          trusted = Files.readAllBytes(root);
        } else {
          Optional<byte[]> first = store.read("1.root.json");
          if (first.isEmpty()) {
            throw CliException.invalid("no 1.root.json to start from; give --root FILE");
          }
          trusted = first.get();
          trustNote = "trusting 1.root.json from the repository itself (use --root to pin a root)";
        }
        RepositoryVerifier.Report rep =
            RepositoryVerifier.verify(store, trusted, Instant.now(), listTargets);
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("ok", rep.ok());
        data.put("root_version", rep.rootVersion());
        data.put("timestamp_version", rep.timestampVersion());
        data.put("snapshot_version", rep.snapshotVersion());
        data.put("roles_checked", rep.rolesChecked());
        data.put("targets", rep.targetCount());
        data.put("problems", rep.problems());
        if (listTargets && rep.targets() != null) {
          Map<String, Object> t = new TreeMap<>();
          rep.targets().forEach((k, v) -> t.put(k, Json.parse(writeTarget(v))));
          data.put("target_files", t);
        }
        StringBuilder text = new StringBuilder();
        if (trustNote != null) {
          io.err().println(trustNote);
        }
        text.append(
            String.format(
                Locale.ROOT,
                "root v%d, timestamp v%d, snapshot v%d, %d role(s) checked, %,d target(s)%n",
                rep.rootVersion(),
                rep.timestampVersion(),
                rep.snapshotVersion(),
                rep.rolesChecked(),
                rep.targetCount()));
        if (listTargets && rep.targets() != null) {
          rep.targets()
              .forEach(
                  (k, v) ->
                      text.append("  ").append(k).append(' ').append(v.length()).append('\n'));
        }
        if (rep.ok()) {
          text.append("OK: a TUF client would accept this repository\n");
        } else {
          text.append(rep.problems().size()).append(" problem(s):\n");
          rep.problems().forEach(p -> text.append("  - ").append(p).append('\n'));
        }
        print(Jsons.of(data), text.toString());
        if (!rep.ok()) {
          throw CliException.invalid("verification found " + rep.problems().size() + " problem(s)");
        }
      } finally {
        store.close();
      }
    }

    private static byte[] writeTarget(dev.tufrepo.model.TargetFile f) {
      dev.tufrepo.json.JsonWriter w = dev.tufrepo.json.JsonWriter.json();
      f.writeTo(w);
      return w.toByteArray();
    }
  }
}
