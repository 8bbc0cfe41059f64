package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.engine.InvalidRequestException;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.TargetFile;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an artifact must look like before it is queued, so that every client computes the same bytes
 * and no "poison pill" can block a bin later (RSTUF weakness 12):
 *
 * <ul>
 *   <li>path: 1 to 4,096 characters, relative ({@code /} separated, no leading {@code /}), no
 *       empty, {@code .} or {@code ..} segment, no backslash, no control character, no lone
 *       surrogate;
 *   <li>hashes: at least one, lowercase hex of the algorithm's length, from the algorithms
 *       securesystemslib (python-tuf, pip) verifies: {@code sha224}, {@code sha256}, {@code
 *       sha384}, {@code sha512}, {@code blake2b-256} and {@code blake2b} (512 bits). The rstuf CLI
 *       and PyPI Warehouse send {@code blake2b-256} alone, so it must be accepted; but tuf-js,
 *       go-tuf and sigstore-java verify only {@code sha256} and {@code sha512} and refuse a target
 *       listing another algorithm, so registries serving those clients should send sha256;
 *   <li>length: 0 to 2^53-1; custom: integers within 2^53-1, no control character but newline;
 *   <li>a path at most once per batch.
 * </ul>
 */
public final class ArtifactRules {
  public static final int MAX_PATH_LENGTH = 4096;
  private static final Map<String, Integer> HASH_HEX_LENGTH =
      Map.of(
          "sha224", 56,
          "sha256", 64,
          "sha384", 96,
          "sha512", 128,
          "blake2b-256", 64,
          "blake2b", 128);

  private ArtifactRules() {}

  public static void check(ArtifactBatch batch) {
    if (batch.size() == 0) {
      throw new InvalidRequestException("artifacts", "at least one artifact is required");
    }
    Set<String> seen = new HashSet<>();
    List<Artifact> adds = batch.adds();
    for (int i = 0; i < adds.size(); i++) {
      String field = "artifacts[" + i + "]";
      Artifact a = adds.get(i);
      checkPath(a.path(), field + ".path");
      if (!seen.add(a.path())) {
        throw new InvalidRequestException(field + ".path", "appears more than once in the batch");
      }
      checkInfo(a.info(), field + ".info");
    }
    List<String> removes = batch.removes();
    for (int i = 0; i < removes.size(); i++) {
      String field = (adds.isEmpty() ? "artifacts[" : "removes[") + i + "]";
      checkPath(removes.get(i), field);
      if (!seen.add(removes.get(i))) {
        throw new InvalidRequestException(field, "appears more than once in the batch");
      }
    }
  }

  public static void checkPath(String path, String field) {
    if (path == null || path.isEmpty()) {
      throw new InvalidRequestException(field, "must not be empty");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw new InvalidRequestException(
          field, "must be at most " + MAX_PATH_LENGTH + " characters");
    }
    if (path.charAt(0) == '/') {
      throw new InvalidRequestException(field, "must be relative, not start with '/'");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidRequestException(field, "must not contain control characters or NUL");
      }
      if (c == '\\') {
        throw new InvalidRequestException(
            field, "must not contain '\\'; use '/' to separate directories");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < path.length()
            && Character.isLowSurrogate(path.charAt(i + 1))) {
          i++;
        } else {
          throw new InvalidRequestException(field, "contains a lone surrogate");
        }
      }
    }
    // segments, without splitting (this runs for every artifact of a bulk import)
    int from = 0;
    while (from <= path.length()) {
      int to = path.indexOf('/', from);
      if (to < 0) {
        to = path.length();
      }
      int len = to - from;
      if (len == 0) {
        throw new InvalidRequestException(
            field, "must not contain empty segments ('//' or a trailing '/')");
      }
      if (path.charAt(from) == '.' && (len == 1 || (len == 2 && path.charAt(from + 1) == '.'))) {
        throw new InvalidRequestException(
            field, "must not contain '" + path.substring(from, to) + "' segments");
      }
      from = to + 1;
    }
  }

  public static void checkInfo(TargetFile info, String field) {
    if (info.length() > JsonNumber.MAX_PORTABLE) {
      throw new InvalidRequestException(field + ".length", "must be <= 2^53-1");
    }
    if (info.hashes().isEmpty()) {
      throw new InvalidRequestException(field + ".hashes", "must contain at least one hash");
    }
    for (Map.Entry<String, String> e : info.hashes().entrySet()) {
      Integer len = HASH_HEX_LENGTH.get(e.getKey());
      if (len == null) {
        throw new InvalidRequestException(
            field + ".hashes." + e.getKey(),
            "unsupported hash algorithm (use sha256, sha512, sha384, sha224, blake2b-256 or blake2b)");
      }
      String hex = e.getValue();
      if (hex.length() != len || !isLowerHex(hex)) {
        throw new InvalidRequestException(
            field + ".hashes." + e.getKey(), "must be " + len + " lowercase hex digits");
      }
    }
    if (!info.unrecognized().isEmpty()) {
      String name = info.unrecognized().keySet().iterator().next();
      throw new InvalidRequestException(field + "." + name, "unknown field");
    }
    if (info.custom() != null) {
      if (!(info.custom() instanceof JsonObject)) {
        throw new InvalidRequestException(field + ".custom", "must be an object");
      }
      checkPortable(info.custom(), field + ".custom");
    }
  }

  private static void checkPortable(JsonValue v, String field) {
    if (v instanceof JsonNumber n) {
      if (Math.abs(n.value()) > JsonNumber.MAX_PORTABLE || n.value() == Long.MIN_VALUE) {
        throw new InvalidRequestException(field, "integers must be within +-(2^53-1)");
      }
    } else if (v instanceof JsonString s) {
      checkText(s.value(), field);
    } else if (v instanceof JsonArray a) {
      for (int i = 0; i < a.values().size(); i++) {
        checkPortable(a.values().get(i), field + "[" + i + "]");
      }
    } else if (v instanceof JsonObject o) {
      for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
        checkText(e.getKey(), field);
        checkPortable(e.getValue(), field + "." + e.getKey());
      }
    }
  }

  private static void checkText(String s, String field) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\n') || c == 0x7f) {
        throw new InvalidRequestException(
            field, "must not contain control characters other than newline");
      }
    }
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
