package dev.tufrepo.benchmarks;

import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic, realistic test data shared by the benchmarks: target paths of the form {@code
 * packages/<name>/<name>-<version>.tar.gz} with lengths, SHA-256 and SHA-512 hex digests, and a
 * {@code custom} object on about one target in five.
 */
final class Fixtures {
  /** A fixed {@code expires}, so the encoded bytes are the same on every run. */
  static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

  private static final String[] SYLLABLES = {
    "ac", "al", "ar", "ba", "be", "bo", "ca", "co", "da", "de", "di", "el", "en", "fa", "fi", "ga",
    "go", "ha", "in", "io", "ja", "ka", "la", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "no",
    "on", "pa", "pe", "py", "qu", "ra", "re", "ri", "ro", "sa", "se", "si", "so", "ta", "te", "ti",
    "to", "tr", "un", "va", "ve", "xa", "yo", "za"
  };
  private static final String[] SUFFIXES = {"", "", "", "-core", "-utils", "-client", "-plugin"};
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Fixtures() {}

  /** {@code count} distinct target paths; the same list for the same seed. */
  static List<String> paths(int count, long seed) {
    Random r = new Random(seed);
    Set<String> paths = new HashSet<>();
    String[] out = new String[count];
    int n = 0;
    while (n < count) {
      String name = packageName(r);
      String version = version(r);
      String path = "packages/" + name + "/" + name + "-" + version + ".tar.gz";
      if (paths.add(path)) {
        out[n++] = path;
      }
    }
    return List.of(out);
  }

  /** A targets role listing {@code count} distinct targets, some with {@code custom} data. */
  static Targets targets(int count, long seed) {
    Random r = new Random(seed);
    Map<String, TargetFile> targets = new LinkedHashMap<>();
    for (String path : paths(count, seed)) {
      targets.put(path, targetFile(r));
    }
    return new Targets(Targets.SPEC_VERSION, 42, EXPIRES, targets, null, Map.of());
  }

  /** A target file: a length and two hex digests, with a {@code custom} object one time in five. */
  static TargetFile targetFile(Random r) {
    long length = 1_024 + (long) (r.nextDouble() * r.nextDouble() * 64L * 1024 * 1024);
    Map<String, String> hashes = Map.of("sha256", hex(r, 32), "sha512", hex(r, 64));
    TargetFile file = new TargetFile(length, hashes);
    if (r.nextInt(5) == 0) {
      Map<String, JsonValue> custom = new LinkedHashMap<>();
      custom.put(
          "upload_time", new JsonString("2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10)));
      custom.put("requires_python", new JsonString(">=3." + (7 + r.nextInt(6))));
      custom.put("yanked", JsonBoolean.of(r.nextInt(20) == 0));
      custom.put("downloads", new JsonNumber(r.nextInt(10_000_000)));
      file = file.withCustom(JsonObject.of(custom));
    }
    return file;
  }

  private static String packageName(Random r) {
    StringBuilder b = new StringBuilder();
    int syllables = 2 + r.nextInt(4);
    for (int i = 0; i < syllables; i++) {
      b.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
    }
    return b.append(SUFFIXES[r.nextInt(SUFFIXES.length)]).toString();
  }

  private static String version(Random r) {
    return r.nextInt(5) + "." + r.nextInt(30) + "." + r.nextInt(15);
  }

  private static String hex(Random r, int bytes) {
    char[] c = new char[bytes * 2];
    for (int i = 0; i < c.length; i++) {
      c[i] = HEX[r.nextInt(16)];
    }
    return new String(c);
  }
}
