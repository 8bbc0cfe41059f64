package dev.tufrepo.rest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated configuration of a {@link TufrepoServer}: from flags, then the environment (RSTUF's
 * variable names where RSTUF has them, {@code TUFREPO_*} for the rest), then defaults. See {@link
 * #resolve}; {@link #describe()} shows it with secrets redacted.
 *
 * @param host address to listen on (default {@code 127.0.0.1})
 * @param port TCP port, 0 for any free one (default 8080)
 * @param dataDir the data directory (default {@code ./tufrepo-data})
 * @param metadataDir published metadata (default {@code <data>/metadata})
 * @param stateDir the embedded state database (default {@code <data>/state})
 * @param keyDir online key files, {@code fn:<file>} (default {@code <data>/keys})
 * @param storageBackend RSTUF's {@code RSTUF_STORAGE_BACKEND}; only {@code LocalStorage}
 * @param keyVaultBackend RSTUF's {@code RSTUF_KEYVAULT_BACKEND}; only {@code LocalKeyVault}
 * @param serveMetadata serve the published metadata at {@code /metadata/} (default on)
 * @param disabledEndpoints RSTUF's {@code RSTUF_DISABLE_ENDPOINTS} entries
 * @param authTokens bearer token to its scopes; empty turns auth off (the default)
 * @param maxBodyBytes the largest request body accepted (default 10 MiB; 413 above)
 * @param maxBatchSize the most artifacts in one request (default 10,000)
 * @param groupCommit how long after a submission the batch is published (default 1 s)
 * @param refreshInterval how often roles close to expiry are re-signed (default 60 s; 0 = off)
 * @param requestTimeout how long a request may take to arrive, and a connection may idle
 * @param jsonLogs log JSON lines instead of text
 * @param fsync force published metadata to disk before the timestamp points at it, and each group
 *     of accepted batches to the queue log before the 202 (default on; off trades safety against
 *     power loss for speed on slow disks: a killed process still loses nothing acknowledged)
 * @param retentionKeep the background retention job keeps this many versions of each role (0 = off,
 *     the default)
 * @param retentionMinAge the retention job deletes only files older than this (default 7 days)
 * @param retentionInterval how often the retention job runs (default 1 hour)
 * @param offlineExpiryWarning warn when root or an offline role expires within this (default 30
 *     days; 0 = off)
 * @param signingThreads threads that sign bins during a publish; 0 (the default) means one fewer
 *     than the processors, at least one, which leaves a core for the requests (see {@link
 *     #effectiveSigningThreads})
 * @param earlyWriteBackBytes how much of a publish the metadata store writes between background
 *     {@code syncfs} calls that start the disk early (0, the default, for none: the commit's own
 *     {@code syncfs} writes everything). Each of those calls also flushes the disk that the queue
 *     log's {@code fdatasync} waits on, so under a steady stream of requests they delay the 202s; a
 *     server that publishes large batches rarely may want 1 MiB (the engine's default), which
 *     shortened a 9 MB publish by a quarter (benchmarks/RESULTS.md, 11-26 and 11-27)
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    Path metadataDir,
    Path stateDir,
    Path keyDir,
    String storageBackend,
    String keyVaultBackend,
    boolean serveMetadata,
    List<String> disabledEndpoints,
    Map<String, Set<String>> authTokens,
    long maxBodyBytes,
    int maxBatchSize,
    Duration groupCommit,
    Duration refreshInterval,
    Duration requestTimeout,
    boolean jsonLogs,
    boolean fsync,
    int retentionKeep,
    Duration retentionMinAge,
    Duration retentionInterval,
    Duration offlineExpiryWarning,
    int signingThreads,
    long earlyWriteBackBytes) {

  public static final String LOCAL_STORAGE = "LocalStorage";
  public static final String LOCAL_KEY_VAULT = "LocalKeyVault";
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

  /** One setting: its flag, its environment variables (first found wins), its default. */
  private record Setting(String flag, List<String> env, String defaultValue) {}

  private static final List<Setting> SETTINGS =
      List.of(
          new Setting("host", List.of("TUFREPO_HOST"), "127.0.0.1"),
          new Setting("port", List.of("TUFREPO_PORT"), "8080"),
          new Setting("data-dir", List.of("TUFREPO_DATA_DIR"), "./tufrepo-data"),
          new Setting(
              "metadata-dir",
              List.of("RSTUF_LOCAL_STORAGE_BACKEND_PATH", "TUFREPO_METADATA_DIR"),
              null),
          new Setting("state-dir", List.of("TUFREPO_STATE_DIR"), null),
          new Setting("key-dir", List.of("RSTUF_ONLINE_KEY_DIR", "TUFREPO_KEY_DIR"), null),
          new Setting("storage-backend", List.of("RSTUF_STORAGE_BACKEND"), LOCAL_STORAGE),
          new Setting("keyvault-backend", List.of("RSTUF_KEYVAULT_BACKEND"), LOCAL_KEY_VAULT),
          new Setting("serve-metadata", List.of("TUFREPO_SERVE_METADATA"), "true"),
          new Setting("disable-endpoints", List.of("RSTUF_DISABLE_ENDPOINTS"), ""),
          new Setting("auth-tokens", List.of("TUFREPO_AUTH_TOKENS"), ""),
          new Setting(
              "max-body-bytes",
              List.of("TUFREPO_MAX_BODY_BYTES"),
              Long.toString(DEFAULT_MAX_BODY_BYTES)),
          new Setting("max-batch-size", List.of("TUFREPO_MAX_BATCH_SIZE"), "10000"),
          new Setting("group-commit-ms", List.of("TUFREPO_GROUP_COMMIT_MS"), "1000"),
          new Setting("refresh-interval-s", List.of("TUFREPO_REFRESH_INTERVAL_S"), "60"),
          new Setting("request-timeout-s", List.of("TUFREPO_REQUEST_TIMEOUT_S"), "60"),
          new Setting("log-json", List.of("TUFREPO_LOG_JSON"), "false"),
          new Setting("fsync", List.of("TUFREPO_FSYNC"), "true"),
          new Setting("retention-keep", List.of("TUFREPO_RETENTION_KEEP"), "0"),
          new Setting("retention-min-age", List.of("TUFREPO_RETENTION_MIN_AGE"), "7d"),
          new Setting("retention-interval", List.of("TUFREPO_RETENTION_INTERVAL"), "1h"),
          new Setting("offline-expiry-warning", List.of("TUFREPO_OFFLINE_EXPIRY_WARNING"), "30d"),
          new Setting("signing-threads", List.of("TUFREPO_SIGNING_THREADS"), "0"),
          new Setting("early-write-back-bytes", List.of("TUFREPO_EARLY_WRITE_BACK_BYTES"), "0"));

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw invalid("host", "must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw invalid("port", "must be 0..65535, not " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    metadataDir = metadataDir != null ? metadataDir : dataDir.resolve("metadata");
    stateDir = stateDir != null ? stateDir : dataDir.resolve("state");
    keyDir = keyDir != null ? keyDir : dataDir.resolve("keys");
    if (!LOCAL_STORAGE.equals(storageBackend)) {
      throw invalid(
          "storage-backend",
          "only " + LOCAL_STORAGE + " is built in, not \"" + storageBackend + "\"");
    }
    if (!LOCAL_KEY_VAULT.equals(keyVaultBackend)) {
      throw invalid(
          "keyvault-backend",
          "only " + LOCAL_KEY_VAULT + " is built in, not \"" + keyVaultBackend + "\"");
    }
    disabledEndpoints = List.copyOf(disabledEndpoints);
    Map<String, Set<String>> tokens = new LinkedHashMap<>();
    authTokens.forEach((k, v) -> tokens.put(k, Set.copyOf(v)));
    authTokens = Map.copyOf(tokens);
    for (String t : authTokens.keySet()) {
      if (t.length() < 16) {
        throw invalid("auth-tokens", "every token must have at least 16 characters");
      }
    }
    if (maxBodyBytes < 1024) {
      throw invalid("max-body-bytes", "must be at least 1024, not " + maxBodyBytes);
    }
    if (maxBatchSize < 1) {
      throw invalid("max-batch-size", "must be at least 1, not " + maxBatchSize);
    }
    if (groupCommit == null || groupCommit.isNegative() || groupCommit.isZero()) {
      throw invalid("group-commit-ms", "must be at least 1 ms");
    }
    if (refreshInterval == null || refreshInterval.isNegative()) {
      throw invalid("refresh-interval-s", "must be 0 (off) or more");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw invalid("request-timeout-s", "must be at least 1 s");
    }
    if (retentionKeep < 0) {
      throw invalid("retention-keep", "must be 0 (off) or more, not " + retentionKeep);
    }
    if (retentionMinAge == null || retentionMinAge.isNegative()) {
      throw invalid("retention-min-age", "must be 0 or more");
    }
    if (retentionInterval == null || retentionInterval.isNegative() || retentionInterval.isZero()) {
      throw invalid("retention-interval", "must be more than 0");
    }
    if (offlineExpiryWarning == null || offlineExpiryWarning.isNegative()) {
      throw invalid("offline-expiry-warning", "must be 0 (off) or more");
    }
    if (signingThreads < 0 || signingThreads > 1024) {
      throw invalid("signing-threads", "must be 0 (automatic) to 1024, not " + signingThreads);
    }
    if (earlyWriteBackBytes < 0) {
      throw invalid(
          "early-write-back-bytes", "must be 0 (none) or more, not " + earlyWriteBackBytes);
    }
  }

  /**
   * The signing threads the engine gets: {@link #signingThreads} when set, otherwise one fewer than
   * the processors, at least one. At 500 requests/s on 2 cores, two signing threads kept both cores
   * busy during each publish, and requests waited for them: in interleaved runs, request p99 86.6
   * and 110.1 ms with two against 45.6 and 29.9 ms with one (benchmarks/RESULTS.md, 11-27, with the
   * later runs on a stalling host). A publish then signs on one core fewer.
   */
  public int effectiveSigningThreads() {
    return signingThreads > 0
        ? signingThreads
        : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  private static IllegalArgumentException invalid(String flag, String reason) {
    Setting s = SETTINGS.stream().filter(x -> x.flag.equals(flag)).findFirst().orElseThrow();
    return new IllegalArgumentException(
        "setting " + flag + " (--" + flag + " / " + String.join(" / ", s.env) + "): " + reason);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return builder()
        .host(host)
        .port(port)
        .dataDir(dataDir)
        .metadataDir(metadataDir)
        .stateDir(stateDir)
        .keyDir(keyDir)
        .storageBackend(storageBackend)
        .keyVaultBackend(keyVaultBackend)
        .serveMetadata(serveMetadata)
        .disabledEndpoints(disabledEndpoints)
        .authTokens(authTokens)
        .maxBodyBytes(maxBodyBytes)
        .maxBatchSize(maxBatchSize)
        .groupCommit(groupCommit)
        .refreshInterval(refreshInterval)
        .requestTimeout(requestTimeout)
        .jsonLogs(jsonLogs)
        .fsync(fsync)
        .retention(retentionKeep, retentionMinAge, retentionInterval)
        .offlineExpiryWarning(offlineExpiryWarning)
        .signingThreads(signingThreads)
        .earlyWriteBackBytes(earlyWriteBackBytes);
  }

  /** The defaults, as {@link #resolve} gives them with no flags and no environment. */
  public static ServerConfig defaults() {
    return resolve(Map.of(), Map.of());
  }

  /**
   * Resolves every setting from {@code flags} (names without dashes: {@code port}, {@code
   * data-dir}, ...), then {@code env}, then the default.
   *
   * @throws IllegalArgumentException naming the setting, for an unknown flag or an invalid value
   */
  public static ServerConfig resolve(Map<String, String> flags, Map<String, String> env) {
    Set<String> known = new HashSet<>();
    SETTINGS.forEach(s -> known.add(s.flag));
    for (String f : flags.keySet()) {
      if (!known.contains(f)) {
        throw new IllegalArgumentException(
            "unknown setting --" + f + "; known: " + String.join(", ", new TreeSet<>(known)));
      }
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      String value = flags.get(s.flag);
      if (value == null) {
        for (String e : s.env) {
          if (env.get(e) != null && !env.get(e).isEmpty()) {
            value = env.get(e);
            break;
          }
        }
      }
      v.put(s.flag, value != null ? value.trim() : s.defaultValue);
    }
    Builder b = builder();
    b.host(v.get("host"));
    b.port((int) number(v, "port"));
    b.dataDir(Path.of(v.get("data-dir")));
    b.metadataDir(path(v.get("metadata-dir")));
    b.stateDir(path(v.get("state-dir")));
    b.keyDir(path(v.get("key-dir")));
    b.storageBackend(v.get("storage-backend"));
    b.keyVaultBackend(v.get("keyvault-backend"));
    b.serveMetadata(bool(v, "serve-metadata"));
    b.disabledEndpoints(
        v.get("disable-endpoints").isEmpty()
            ? List.of()
            : Arrays.asList(v.get("disable-endpoints").split(":(?=[/{])")));
    b.authTokens(tokens(v.get("auth-tokens")));
    b.maxBodyBytes(number(v, "max-body-bytes"));
    b.maxBatchSize((int) number(v, "max-batch-size"));
    b.groupCommit(Duration.ofMillis(number(v, "group-commit-ms")));
    b.refreshInterval(Duration.ofSeconds(number(v, "refresh-interval-s")));
    b.requestTimeout(Duration.ofSeconds(number(v, "request-timeout-s")));
    b.jsonLogs(bool(v, "log-json"));
    b.fsync(bool(v, "fsync"));
    b.retention(
        (int) number(v, "retention-keep"),
        duration(v, "retention-min-age"),
        duration(v, "retention-interval"));
    b.offlineExpiryWarning(duration(v, "offline-expiry-warning"));
    b.signingThreads((int) number(v, "signing-threads"));
    b.earlyWriteBackBytes(number(v, "early-write-back-bytes"));
    return b.build();
  }

  /** {@code 30d}, {@code 12h}, {@code 15m}, {@code 90s}, {@code 0} or ISO-8601 {@code PT1H}. */
  private static Duration duration(Map<String, String> v, String flag) {
    String s = v.get(flag);
    try {
      if (s.equals("0")) {
        return Duration.ZERO;
      }
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      switch (Character.toLowerCase(s.charAt(s.length() - 1))) {
        case 'd':
          return Duration.ofDays(n);
        case 'h':
          return Duration.ofHours(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 's':
          return Duration.ofSeconds(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw invalid(flag, "must be a duration like 30d, 12h, 15m, 90s, 0 or PT1H, not \"" + s + "\"");
  }

  private static Path path(String s) {
    return s == null || s.isEmpty() ? null : Path.of(s);
  }

  private static long number(Map<String, String> v, String flag) {
    String s = v.get(flag);
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw invalid(flag, "must be an integer, not \"" + s + "\"");
    }
  }

  private static boolean bool(Map<String, String> v, String flag) {
    String s = v.get(flag).toLowerCase(Locale.ROOT);
    switch (s) {
      case "true", "1", "yes", "on":
        return true;
      case "false", "0", "no", "off":
        return false;
      default:
        throw invalid(flag, "must be true or false, not \"" + v.get(flag) + "\"");
    }
  }

  /** {@code token=scope,scope;token2=*}. */
  static Map<String, Set<String>> tokens(String spec) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String entry : spec.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw invalid("auth-tokens", "entries are token=scope[,scope...] separated by ';'");
      }
      Set<String> scopes = new HashSet<>();
      for (String s : entry.substring(eq + 1).split(",")) {
        if (!s.isBlank()) {
          scopes.add(s.trim());
        }
      }
      if (scopes.isEmpty()) {
        throw invalid("auth-tokens", "every token needs at least one scope");
      }
      out.put(entry.substring(0, eq).trim(), scopes);
    }
    return out;
  }

  /** Every setting on its own line, tokens redacted. */
  public String describe() {
    List<String> lines = new ArrayList<>();
    lines.add("host=" + host);
    lines.add("port=" + port);
    lines.add("data-dir=" + dataDir);
    lines.add("metadata-dir=" + metadataDir);
    lines.add("state-dir=" + stateDir);
    lines.add("key-dir=" + keyDir);
    lines.add("storage-backend=" + storageBackend);
    lines.add("keyvault-backend=" + keyVaultBackend);
    lines.add("serve-metadata=" + serveMetadata);
    lines.add("disable-endpoints=" + String.join(":", disabledEndpoints));
    lines.add("auth-tokens=" + redactedTokens());
    lines.add("max-body-bytes=" + maxBodyBytes);
    lines.add("max-batch-size=" + maxBatchSize);
    lines.add("group-commit-ms=" + groupCommit.toMillis());
    lines.add("refresh-interval-s=" + refreshInterval.toSeconds());
    lines.add("request-timeout-s=" + requestTimeout.toSeconds());
    lines.add("log-json=" + jsonLogs);
    lines.add("fsync=" + fsync);
    lines.add("retention-keep=" + retentionKeep);
    lines.add("retention-min-age=" + retentionMinAge);
    lines.add("retention-interval=" + retentionInterval);
    lines.add("offline-expiry-warning=" + offlineExpiryWarning);
    lines.add(
        "signing-threads="
            + (signingThreads > 0
                ? Integer.toString(signingThreads)
                : "auto (" + effectiveSigningThreads() + ")"));
    lines.add("early-write-back-bytes=" + earlyWriteBackBytes);
    return String.join("\n", lines);
  }

  private String redactedTokens() {
    if (authTokens.isEmpty()) {
      return "(auth off)";
    }
    List<String> parts = new ArrayList<>();
    authTokens.forEach((t, s) -> parts.add("***=" + String.join(",", new TreeSet<>(s))));
    return String.join(";", parts);
  }

  @Override
  public String toString() {
    return "ServerConfig{" + describe().replace("\n", ", ") + "}";
  }

  /** Builds a {@link ServerConfig}; unset values take the defaults of {@link #resolve}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private Path dataDir = Path.of("./tufrepo-data");
    private Path metadataDir;
    private Path stateDir;
    private Path keyDir;
    private String storageBackend = LOCAL_STORAGE;
    private String keyVaultBackend = LOCAL_KEY_VAULT;
    private boolean serveMetadata = true;
    private List<String> disabledEndpoints = List.of();
    private Map<String, Set<String>> authTokens = Map.of();
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxBatchSize = 10_000;
    private Duration groupCommit = Duration.ofSeconds(1);
    private Duration refreshInterval = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private boolean jsonLogs;
    private boolean fsync = true;
    private int retentionKeep;
    private Duration retentionMinAge = Duration.ofDays(7);
    private Duration retentionInterval = Duration.ofHours(1);
    private Duration offlineExpiryWarning = Duration.ofDays(30);
    private int signingThreads;
    private long earlyWriteBackBytes;

    Builder() {}

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder metadataDir(Path v) {
      metadataDir = v;
      return this;
    }

    public Builder stateDir(Path v) {
      stateDir = v;
      return this;
    }

    public Builder keyDir(Path v) {
      keyDir = v;
      return this;
    }

    public Builder storageBackend(String v) {
      storageBackend = v;
      return this;
    }

    public Builder keyVaultBackend(String v) {
      keyVaultBackend = v;
      return this;
    }

    public Builder serveMetadata(boolean v) {
      serveMetadata = v;
      return this;
    }

    public Builder disabledEndpoints(List<String> v) {
      disabledEndpoints = v;
      return this;
    }

    public Builder authTokens(Map<String, Set<String>> v) {
      authTokens = v;
      return this;
    }

    public Builder maxBodyBytes(long v) {
      maxBodyBytes = v;
      return this;
    }

    public Builder maxBatchSize(int v) {
      maxBatchSize = v;
      return this;
    }

    public Builder groupCommit(Duration v) {
      groupCommit = v;
      return this;
    }

    public Builder refreshInterval(Duration v) {
      refreshInterval = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      requestTimeout = v;
      return this;
    }

    public Builder jsonLogs(boolean v) {
      jsonLogs = v;
      return this;
    }

    public Builder fsync(boolean v) {
      fsync = v;
      return this;
    }

    /**
     * The background retention job: every {@code every}, keep {@code keep} versions of each role (0
     * = off) and delete older ones past {@code minAge}.
     */
    public Builder retention(int keep, Duration minAge, Duration every) {
      retentionKeep = keep;
      retentionMinAge = minAge;
      retentionInterval = every;
      return this;
    }

    /** Threads that sign bins; 0 (the default) for one fewer than the processors, at least 1. */
    public Builder signingThreads(int v) {
      signingThreads = v;
      return this;
    }

    /** Bytes of a publish between background {@code syncfs} calls; 0 (the default) for none. */
    public Builder earlyWriteBackBytes(long v) {
      earlyWriteBackBytes = v;
      return this;
    }

    /** The window of the offline-role expiry warning (0 = off). */
    public Builder offlineExpiryWarning(Duration v) {
      offlineExpiryWarning = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          dataDir,
          metadataDir,
          stateDir,
          keyDir,
          storageBackend,
          keyVaultBackend,
          serveMetadata,
          disabledEndpoints,
          authTokens,
          maxBodyBytes,
          maxBatchSize,
          groupCommit,
          refreshInterval,
          requestTimeout,
          jsonLogs,
          fsync,
          retentionKeep,
          retentionMinAge,
          retentionInterval,
          offlineExpiryWarning,
          signingThreads,
          earlyWriteBackBytes);
    }
  }
}
