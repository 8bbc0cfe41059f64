package dev.tufrepo.cli;

import dev.tufrepo.engine.BootstrapRequest;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Expires;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyScheme;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The key ceremony, as {@code rstuf admin ceremony} does it: root keys and threshold, one online
 * key for targets, snapshot, timestamp and the hash bins, expirations, and the bootstrap payload
 * {@code {"settings": {"roles": ...}, "metadata": {"root": ...}, "timeout": 300}}.
 */
final class Ceremony {
  /** A root key given as a PEM file, or {@code generate[:TYPE[:NAME]]}. */
  record KeySpec(Path file, KeyScheme generate, String name) {
    static KeySpec parse(String text) {
      String t = text.strip();
      if (t.equals("generate") || t.startsWith("generate:")) {
        String[] parts = t.split(":", 3);
        KeyScheme scheme =
            parts.length > 1 && !parts[1].isEmpty() ? KeyFiles.scheme(parts[1]) : KeyScheme.ED25519;
        return new KeySpec(null, scheme, parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null);
      }
      String name = null;
      int eq = t.indexOf('=');
      if (eq > 0 && !t.substring(0, eq).contains("/")) {
        name = t.substring(0, eq);
        t = t.substring(eq + 1);
      }
      return new KeySpec(Path.of(t), null, name);
    }
  }

  /** Everything the ceremony needs to know. */
  record Spec(
      int rootExpiration,
      int targetsExpiration,
      int snapshotExpiration,
      int timestampExpiration,
      int binsExpiration,
      int bins,
      int rootThreshold,
      List<KeySpec> rootKeys,
      KeySpec onlineKey,
      String onlineKeyUri,
      Path keysDir,
      Path onlineKeyDir,
      boolean signNow,
      int timeout) {
    Spec {
      rootKeys = List.copyOf(rootKeys);
    }

    void check() {
      positive("root-expiration", rootExpiration);
      positive("targets-expiration", targetsExpiration);
      positive("snapshot-expiration", snapshotExpiration);
      positive("timestamp-expiration", timestampExpiration);
      positive("bins-expiration", binsExpiration);
      if (bins < 2 || bins > 16384 || Integer.bitCount(bins) != 1) {
        throw CliException.invalid("bins: must be a power of two from 2 to 16384, got " + bins);
      }
      if (rootKeys.isEmpty()) {
        throw CliException.invalid("root-key: at least one root key is required");
      }
      if (rootThreshold < 1 || rootThreshold > rootKeys.size()) {
        throw CliException.invalid(
            String.format(
                Locale.ROOT,
                "root-threshold: must be between 1 and the number of root keys (%d), got %d",
                rootKeys.size(),
                rootThreshold));
      }
      if (onlineKeyUri != null && !onlineKeyUri.matches("[a-z0-9]+:.+")) {
        throw CliException.invalid(
            "online-key-uri: must look like fn:<file>, got \"" + onlineKeyUri + "\"");
      }
    }

    Map<String, Integer> expirationDays() {
      return Map.of(
          "root", rootExpiration,
          "targets", targetsExpiration,
          "snapshot", snapshotExpiration,
          "timestamp", timestampExpiration,
          "bins", binsExpiration);
    }

    private static void positive(String field, int v) {
      if (v < 1) {
        throw CliException.invalid(field + ": must be at least 1 day, got " + v);
      }
    }
  }

  /** What the ceremony made. */
  record Result(
      Metadata<Root> root,
      List<KeyFiles.Loaded> rootKeys,
      Key onlineKey,
      String onlineKeyUri,
      Path onlineKeyFile,
      List<Path> written,
      int signatures,
      JsonObject payload) {
    boolean thresholdMet() {
      return signatures >= root.signed().role("root").threshold();
    }

    BootstrapRequest bootstrapRequest(Spec spec) {
      return new BootstrapRequest(root.toJson(), spec.expirationDays(), spec.bins());
    }
  }

  private Ceremony() {}

  static Result run(Spec spec, Instant now) {
    spec.check();
    List<Path> written = new ArrayList<>();
    List<KeyFiles.Loaded> roots = new ArrayList<>();
    Map<String, Key> keys = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (KeySpec ks : spec.rootKeys()) {
      i++;
      KeyFiles.Loaded k = load(ks, spec.keysDir(), "root-" + i, written);
      if (keys.containsKey(k.key().keyId())) {
        throw CliException.invalid("root-key: key " + k.key().keyId() + " is listed twice");
      }
      String name = uniqueName(names, ks.name() != null ? ks.name() : defaultName(ks, "root-" + i));
      keys.put(k.key().keyId(), named(k.key(), name, null));
      roots.add(k);
    }
    KeySpec onlineSpec = spec.onlineKey() != null ? spec.onlineKey() : KeySpec.parse("generate");
    KeyFiles.Loaded online;
    String uri = spec.onlineKeyUri();
    if (onlineSpec.generate() != null) {
      PrivateKeySigner s = KeyFiles.generate(onlineSpec.generate());
      String file = uri != null && uri.startsWith("fn:") ? uri.substring(3) : s.keyId();
      Path p = spec.onlineKeyDir().resolve(file);
      written.add(KeyFiles.writeSigner(p, s));
      online = new KeyFiles.Loaded(s.publicKey(), s, p);
    } else {
      online = KeyFiles.read(onlineSpec.file());
    }
    if (uri == null) {
      uri = "fn:" + online.key().keyId();
    }
    if (keys.containsKey(online.key().keyId())) {
      throw CliException.invalid("online-key: the online key must not be a root key");
    }
    String onlineName = uniqueName(names, onlineSpec.name() != null ? onlineSpec.name() : "online");
    Key onlineKey = named(online.key(), onlineName, uri);
    keys.put(onlineKey.keyId(), onlineKey);

    Role onlineRole = new Role(List.of(onlineKey.keyId()), 1);
    List<String> rootIds = new ArrayList<>();
    roots.forEach(k -> rootIds.add(k.key().keyId()));
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    Root root =
        new Root(
            Signed.SPEC_VERSION,
            1,
            start.plus(spec.rootExpiration(), ChronoUnit.DAYS),
            true,
            keys,
            Map.of(
                "root", new Role(rootIds, spec.rootThreshold()),
                "targets", onlineRole,
                "snapshot", onlineRole,
                "timestamp", onlineRole),
            Map.of());
    Metadata<Root> md = Metadata.of(root);
    int sigs = 0;
    if (spec.signNow()) {
      List<Signer> signers = new ArrayList<>();
      for (KeyFiles.Loaded k : roots) {
        if (k.isPrivate()) {
          signers.add(k.signer());
        }
      }
      md = md.signedBy(signers.toArray(new Signer[0]));
      sigs = signers.size();
    }
    return new Result(md, roots, onlineKey, uri, online.file(), written, sigs, payload(spec, md));
  }

  /** RSTUF's bootstrap payload (CeremonyPayload) for {@code root}. */
  static JsonObject payload(Spec spec, Metadata<Root> root) {
    JsonValue rootJson = Json.parse(root.toJson());
    return Jsons.obj(
        "settings",
        Jsons.obj(
            "roles",
            Jsons.obj(
                "root", Jsons.obj("expiration", spec.rootExpiration()),
                "timestamp", Jsons.obj("expiration", spec.timestampExpiration()),
                "snapshot", Jsons.obj("expiration", spec.snapshotExpiration()),
                "targets", Jsons.obj("expiration", spec.targetsExpiration()),
                "bins",
                    Jsons.obj(
                        "expiration", spec.binsExpiration(),
                        "number_of_delegated_bins", spec.bins()),
                "delegations", null)),
        "metadata",
        Jsons.obj("root", rootJson),
        "timeout",
        spec.timeout());
  }

  /**
   * The bootstrap request a payload file describes (succinct hash bins only). The root is taken as
   * its exact bytes in the file {@code text}, never re-serialized.
   */
  static BootstrapRequest requestFromPayload(byte[] text) {
    JsonValue payload = Json.parse(text);
    JsonValue root = Jsons.at(payload, "metadata", "root");
    if (!(root instanceof JsonObject)) {
      throw CliException.invalid("metadata.root: required object is missing");
    }
    byte[] rootBytes = Json.locate(text, "metadata", "root").orElseThrow().copyOf(text);
    Map<String, Integer> days = new LinkedHashMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp", "bins")) {
      JsonValue v = Jsons.at(payload, "settings", "roles", role, "expiration");
      if (!(v instanceof dev.tufrepo.json.JsonNumber n)) {
        throw CliException.invalid(
            "settings.roles." + role + ".expiration: required number is missing");
      }
      days.put(role, (int) n.value());
    }
    JsonValue bins = Jsons.at(payload, "settings", "roles", "bins", "number_of_delegated_bins");
    if (!(bins instanceof dev.tufrepo.json.JsonNumber n)) {
      throw CliException.invalid(
          "settings.roles.bins.number_of_delegated_bins: required number is missing (only hash bins are supported locally)");
    }
    return new BootstrapRequest(rootBytes, days, (int) n.value());
  }

  private static KeyFiles.Loaded load(
      KeySpec ks, Path dir, String fallbackName, List<Path> written) {
    if (ks.generate() == null) {
      return KeyFiles.read(ks.file());
    }
    PrivateKeySigner s = KeyFiles.generate(ks.generate());
    String name = ks.name() != null ? ks.name() : fallbackName;
    Path p = dir.resolve(name + ".pem");
    written.add(KeyFiles.writeSigner(p, s));
    return new KeyFiles.Loaded(s.publicKey(), s, p);
  }

  private static String defaultName(KeySpec ks, String fallback) {
    if (ks.file() == null) {
      return fallback;
    }
    String n = ks.file().getFileName().toString();
    return n.endsWith(".pem") ? n.substring(0, n.length() - 4) : n;
  }

  private static String uniqueName(Set<String> used, String name) {
    String n = name;
    for (int k = 2; !used.add(n); k++) {
      n = name + "-" + k;
    }
    return n;
  }

  private static Key named(Key key, String name, String uri) {
    Map<String, JsonValue> extra = new LinkedHashMap<>(key.unrecognized());
    extra.put("x-rstuf-key-name", new JsonString(name));
    if (uri != null) {
      extra.put("x-rstuf-online-key-uri", new JsonString(uri));
    }
    return key.withUnrecognized(extra);
  }

  /** The payload as the bytes written to a file. */
  static byte[] bytes(JsonObject payload) {
    return PrettyJson.write(payload).getBytes(StandardCharsets.UTF_8);
  }

  /** A review of the ceremony for people. */
  static String review(Result r) {
    StringBuilder sb = new StringBuilder();
    Root root = r.root().signed();
    sb.append("Root v1, expires ").append(Expires.format(root.expires())).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "Root keys (threshold %d of %d):%n",
            root.role("root").threshold(),
            root.role("root").keyids().size()));
    for (KeyFiles.Loaded k : r.rootKeys()) {
      Key named = root.keys().get(k.key().keyId());
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-16s %s %s%s%n",
              Jsons.text(named.unrecognized().get("x-rstuf-key-name")),
              k.key().keytype(),
              k.key().keyId(),
              k.isPrivate() ? "  (" + k.file() + ")" : "  (public only)"));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "Online key: %s %s, %s%n",
            r.onlineKey().keytype(),
            r.onlineKey().keyId(),
            r.onlineKeyUri()));
    sb.append(
        String.format(
            Locale.ROOT,
            "Signatures: %d of %d needed%s%n",
            r.signatures(),
            root.role("root").threshold(),
            r.thresholdMet() ? "" : " (the rest can sign later: tufrepo admin metadata sign)"));
    return sb.toString();
  }
}
