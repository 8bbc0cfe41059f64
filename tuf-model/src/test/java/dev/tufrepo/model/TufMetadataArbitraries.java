package dev.tufrepo.model;

import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonTreeArbitraries;
import dev.tufrepo.json.JsonValue;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of TUF metadata of all four roles, with unknown fields at every object level that
 * keeps them, nested {@code custom} values, delegations of both kinds and keys of all three types.
 *
 * <p>With {@code controls} set, strings may hold control characters (fine for the JSON file, which
 * escapes them; not for canonical bytes, which hold them raw and are then not valid JSON text).
 */
final class TufMetadataArbitraries {
  private static final long MIN_EXPIRES =
      LocalDateTime.of(0, 1, 1, 0, 0, 0).toEpochSecond(ZoneOffset.UTC);
  private static final long MAX_EXPIRES =
      LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

  /** One generated key of each type, made once: RSA 3072 takes a while. */
  private static final class Keys {
    static final List<Key> PUBLIC_KEYS = generate();

    private static List<Key> generate() {
      SecureRandom random;
      try {
        random = SecureRandom.getInstance("SHA1PRNG");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      random.setSeed(20240601L);
      return List.of(
          PrivateKeySigner.generate(KeyScheme.ED25519, random).publicKey(),
          PrivateKeySigner.generate(KeyScheme.ECDSA_P256, random).publicKey(),
          PrivateKeySigner.generate(KeyScheme.RSA_PSS_SHA256, random).publicKey());
    }
  }

  private final boolean controls;

  TufMetadataArbitraries(boolean controls) {
    this.controls = controls;
  }

  /** The three generated public keys: ed25519, ecdsa, rsa. */
  static List<Key> publicKeys() {
    return Keys.PUBLIC_KEYS;
  }

  // ---------------------------------------------------------------- strings and unknown fields

  Arbitrary<String> strings() {
    return JsonTreeArbitraries.strings(controls);
  }

  /** Unknown members of a record whose known fields are {@code known}. */
  Arbitrary<Map<String, JsonValue>> unknown(String... known) {
    Set<String> knownSet = Set.of(known);
    Arbitrary<String> names =
        JsonTreeArbitraries.keys(controls, knownSet).filter(k -> !knownSet.contains(k));
    Arbitrary<Map<String, JsonValue>> some =
        Arbitraries.maps(names, JsonTreeArbitraries.values(controls, 2)).ofMinSize(1).ofMaxSize(3);
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Map.of())), Tuple.of(2, some));
  }

  /** Map keys such as target paths and file names: any string, often path-like. */
  Arbitrary<String> paths() {
    Arbitrary<String> segment = JsonTreeArbitraries.strings(controls, 6);
    Arbitrary<String> pathLike =
        segment.list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("/", parts));
    return Arbitraries.oneOf(pathLike, JsonTreeArbitraries.keys(controls));
  }

  Arbitrary<String> hexDigests() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  Arbitrary<String> keyids() {
    return Arbitraries.frequencyOf(Tuple.of(3, hexDigests()), Tuple.of(1, strings()));
  }

  Arbitrary<List<String>> keyidLists() {
    return keyids().list().uniqueElements().ofMaxSize(4);
  }

  Arbitrary<Integer> thresholds() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(1, 5)),
        Tuple.of(1, Arbitraries.integers().between(1, Integer.MAX_VALUE)));
  }

  Arbitrary<Integer> versions() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(1, 1000)),
        Tuple.of(1, Arbitraries.integers().between(1, Integer.MAX_VALUE)));
  }

  Arbitrary<String> specVersions() {
    Arbitrary<String> num =
        Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(3);
    return Arbitraries.oneOf(
        Arbitraries.of(Signed.SPEC_VERSION, "1.0", "1.0.0", "1.0.19", "1.1.0"),
        num.map(m -> "1." + m),
        Combinators.combine(num, num).as((m, p) -> "1." + m + "." + p));
  }

  /** Any second from 0000-01-01 to 9999-12-31, sometimes with a fraction the records drop. */
  Arbitrary<Instant> expires() {
    Arbitrary<Long> seconds =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.longs().between(MIN_EXPIRES, MAX_EXPIRES)),
            Tuple.of(1, Arbitraries.of(MIN_EXPIRES, MAX_EXPIRES, 0L, 1_900_000_000L)));
    Arbitrary<Integer> nanos =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0)),
            Tuple.of(1, Arbitraries.integers().between(0, 999_999_999)));
    return Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  // ---------------------------------------------------------------- building blocks

  Arbitrary<Key> keys() {
    return Combinators.combine(
            Arbitraries.of(publicKeys()), unknown("keytype", "keyval", "scheme"), unknown("public"))
        .as(
            (base, rest, keyvalExtra) -> {
              Map<String, JsonValue> keyval = new HashMap<>(keyvalExtra);
              keyval.put("public", new JsonString(base.publicValue()));
              return new Key(base.keytype(), base.scheme(), keyval, rest);
            });
  }

  /** Keys by keyid: mostly their real keyid, sometimes any string. */
  Arbitrary<Map<String, Key>> keyMaps() {
    Arbitrary<String> otherId = keyids().injectNull(0.7);
    return Combinators.combine(otherId, keys())
        .as((id, key) -> Map.entry(id == null ? key.keyId() : id, key))
        .list()
        .ofMaxSize(4)
        .map(
            entries -> {
              Map<String, Key> m = new LinkedHashMap<>();
              entries.forEach(e -> m.put(e.getKey(), e.getValue()));
              return m;
            });
  }

  Arbitrary<Role> roles() {
    return Combinators.combine(keyidLists(), thresholds(), unknown("keyids", "threshold"))
        .as(Role::new);
  }

  Arbitrary<Signature> signatures() {
    Arbitrary<String> sig =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(0).ofMaxLength(144),
            strings());
    return Combinators.combine(keyids(), sig, unknown("keyid", "sig")).as(Signature::new);
  }

  Arbitrary<Map<String, String>> hashes(int minSize) {
    Arbitrary<String> alg =
        Arbitraries.oneOf(Arbitraries.of("sha256", "sha512", "blake2b-256"), strings());
    Arbitrary<String> digest = Arbitraries.oneOf(hexDigests(), strings());
    return Arbitraries.maps(alg, digest).ofMinSize(minSize).ofMaxSize(3);
  }

  Arbitrary<Long> lengths() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.longs().between(0, 1L << 32)),
        Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)));
  }

  Arbitrary<MetaFile> metaFiles() {
    Arbitrary<Long> length = lengths().injectNull(0.4);
    Arbitrary<Map<String, String>> hashes =
        Arbitraries.oneOf(Arbitraries.just(Map.of()), hashes(1));
    return Combinators.combine(versions(), length, hashes, unknown("hashes", "length", "version"))
        .as(MetaFile::new);
  }

  /** {@code custom}: absent, or any JSON (mostly objects) nested a few levels. */
  Arbitrary<JsonValue> customs() {
    return Arbitraries.frequencyOf(
            Tuple.of(2, JsonTreeArbitraries.objects(controls, 3)),
            Tuple.of(1, JsonTreeArbitraries.values(controls, 3)))
        .injectNull(0.3);
  }

  Arbitrary<TargetFile> targetFiles() {
    return Combinators.combine(
            lengths(), hashes(1), customs(), unknown("custom", "hashes", "length"))
        .as(TargetFile::new);
  }

  Arbitrary<DelegatedRole> delegatedRoles() {
    Arbitrary<String> name =
        Arbitraries.oneOf(paths(), Arbitraries.of("bins", "a", "unclaimed", "targets-2"))
            .filter(n -> !Root.TOP_LEVEL_ROLES.contains(n));
    Arbitrary<List<String>> patterns = paths().list().ofMaxSize(3);
    Arbitrary<List<String>> prefixes =
        Arbitraries.strings()
            .withChars("0123456789abcdef")
            .ofMinLength(1)
            .ofMaxLength(8)
            .list()
            .ofMaxSize(3);
    // exactly one of paths and path_hash_prefixes
    Arbitrary<List<List<String>>> which =
        Arbitraries.oneOf(
            patterns.map(p -> java.util.Arrays.asList(p, null)),
            prefixes.map(p -> java.util.Arrays.asList(null, p)));
    return Combinators.combine(
            name,
            keyidLists(),
            thresholds(),
            Arbitraries.of(true, false),
            which,
            unknown("keyids", "name", "path_hash_prefixes", "paths", "terminating", "threshold"))
        .as(
            (n, ids, t, term, w, rest) ->
                new DelegatedRole(n, ids, t, term, w.get(0), w.get(1), rest));
  }

  Arbitrary<SuccinctRoles> succinctRoles() {
    return Combinators.combine(
            keyidLists(),
            thresholds(),
            Arbitraries.integers().between(1, 32),
            Arbitraries.oneOf(Arbitraries.of("bins", "delegated_bin"), strings()),
            unknown("bit_length", "keyids", "name_prefix", "threshold"))
        .as(SuccinctRoles::new);
  }

  Arbitrary<Delegations> delegations() {
    Arbitrary<List<DelegatedRole>> roleList =
        delegatedRoles().list().uniqueElements(DelegatedRole::name).ofMaxSize(3);
    Arbitrary<Map<String, JsonValue>> rest = unknown("keys", "roles", "succinct_roles");
    Arbitrary<Delegations> listed =
        Combinators.combine(keyMaps(), roleList, rest)
            .as((k, r, u) -> new Delegations(k, r, null, u));
    Arbitrary<Delegations> succinct =
        Combinators.combine(keyMaps(), succinctRoles(), rest)
            .as((k, s, u) -> new Delegations(k, null, s, u));
    return Arbitraries.oneOf(listed, succinct);
  }

  // ---------------------------------------------------------------- the four roles

  Arbitrary<Root> roots() {
    Arbitrary<Map<String, Role>> topRoles =
        Combinators.combine(roles(), roles(), roles(), roles())
            .as((r, t, s, ts) -> Map.of("root", r, "targets", t, "snapshot", s, "timestamp", ts));
    return Combinators.combine(
            specVersions(),
            versions(),
            expires(),
            Arbitraries.of(true, false).injectNull(0.3),
            keyMaps(),
            topRoles,
            unknown(
                "_type",
                "consistent_snapshot",
                "expires",
                "keys",
                "roles",
                "spec_version",
                "version"))
        .as(Root::new);
  }

  Arbitrary<Targets> targets() {
    Arbitrary<Map<String, TargetFile>> files =
        Arbitraries.maps(paths(), targetFiles()).ofMaxSize(4);
    return Combinators.combine(
            specVersions(),
            versions(),
            expires(),
            files,
            delegations().injectNull(0.25),
            unknown("_type", "delegations", "expires", "spec_version", "targets", "version"))
        .as(Targets::new);
  }

  Arbitrary<Snapshot> snapshots() {
    Arbitrary<String> fileNames =
        Arbitraries.oneOf(
            paths(),
            paths().map(p -> p + ".json"),
            Arbitraries.of("targets.json", "bins-0a.json", "root.json"));
    Arbitrary<Map<String, MetaFile>> meta = Arbitraries.maps(fileNames, metaFiles()).ofMaxSize(4);
    return Combinators.combine(
            specVersions(),
            versions(),
            expires(),
            meta,
            unknown("_type", "expires", "meta", "spec_version", "version"))
        .as(Snapshot::new);
  }

  Arbitrary<Timestamp> timestamps() {
    return Combinators.combine(
            specVersions(),
            versions(),
            expires(),
            metaFiles(),
            unknown("_type", "expires", "meta", "spec_version", "version"))
        .as(Timestamp::new);
  }

  /** Metadata around {@code signed}: signatures with distinct keyids, unknown top-level fields. */
  <T extends Signed> Arbitrary<Metadata<T>> metadata(Arbitrary<T> signed) {
    Arbitrary<List<Signature>> sigs =
        signatures().list().uniqueElements(Signature::keyid).ofMaxSize(3);
    return Combinators.combine(signed, sigs, unknown("signatures", "signed")).as(Metadata<T>::new);
  }
}
