package dev.tufrepo.cli;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.TargetFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads artifact rows one at a time: CSV ({@code path,length,sha256[,sha512]}, an optional header
 * line starting with {@code path}, blank lines and {@code #} comments skipped) or JSON Lines
 * ({@code {"path","length","sha256"[,"sha512"]}}, or RSTUF's {@code {"path","info":{"length",
 * "hashes","custom"}}}).
 */
final class RowReader {
  enum Format {
    csv,
    jsonl
  }

  private final BufferedReader in;
  private final Format format;
  private final String source;
  private final boolean mixed;
  private long line;
  private boolean first = true;

  RowReader(BufferedReader in, Format format, String source) {
    this(in, format, source, false);
  }

  /** With {@code mixed}, CSV lines starting with <code>{</code> are read as JSON (spill files). */
  RowReader(BufferedReader in, Format format, String source, boolean mixed) {
    this.in = in;
    this.format = format;
    this.source = source;
    this.mixed = mixed;
  }

  /** The line number of the row {@link #next()} returned last. */
  long line() {
    return line;
  }

  /** The next artifact, or null at the end. */
  Artifact next() throws IOException {
    while (true) {
      String s = in.readLine();
      if (s == null) {
        return null;
      }
      line++;
      if (first) {
        first = false;
        if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
          s = s.substring(1);
        }
        if (format == Format.csv && !mixed && s.startsWith("path,")) {
          continue;
        }
      }
      if (s.isBlank() || s.charAt(0) == '#') {
        continue;
      }
      return format == Format.csv && !(mixed && s.charAt(0) == '{') ? csv(s) : jsonl(s);
    }
  }

  private Artifact csv(String s) {
    int end = s.length();
    if (end > 0 && s.charAt(end - 1) == '\r') {
      end--;
    }
    int c1 = s.lastIndexOf(',', end - 1);
    // path may contain commas: the fixed fields are taken from the right
    int c0;
    String sha512 = null;
    String sha256;
    long length;
    if (c1 < 0) {
      throw bad("expected path,length,sha256[,sha512]");
    }
    String last = s.substring(c1 + 1, end);
    int c2 = s.lastIndexOf(',', c1 - 1);
    if (c2 < 0) {
      throw bad("expected path,length,sha256[,sha512]");
    }
    if (last.length() == 128) {
      sha512 = last;
      sha256 = s.substring(c2 + 1, c1);
      c0 = s.lastIndexOf(',', c2 - 1);
      if (c0 < 0) {
        throw bad("expected path,length,sha256[,sha512]");
      }
      length = parseLength(s.substring(c0 + 1, c2));
    } else {
      sha256 = last;
      c0 = c2;
      length = parseLength(s.substring(c2 + 1, c1));
    }
    String path = unquote(s.substring(0, c0));
    return artifact(path, length, sha256, sha512, null);
  }

  private static String unquote(String p) {
    if (p.length() >= 2 && p.charAt(0) == '"' && p.charAt(p.length() - 1) == '"') {
      return p.substring(1, p.length() - 1).replace("\"\"", "\"");
    }
    return p;
  }

  private long parseLength(String t) {
    try {
      return Long.parseLong(t.strip());
    } catch (NumberFormatException e) {
      throw bad("length: not a number: \"" + t + "\"");
    }
  }

  private Artifact jsonl(String s) {
    JsonValue v;
    try {
      v = Json.parse(s);
    } catch (RuntimeException e) {
      throw bad("not valid JSON: " + e.getMessage());
    }
    if (!(v instanceof JsonObject o)) {
      throw bad("expected a JSON object");
    }
    if (!(o.get("path") instanceof JsonString path)) {
      throw bad("path: required string is missing");
    }
    if (o.get("info") != null) {
      try {
        return new Artifact(path.value(), TargetFile.fromJson(o.get("info"), "info"));
      } catch (RuntimeException e) {
        throw bad(e.getMessage());
      }
    }
    if (!(o.get("length") instanceof JsonNumber len)) {
      throw bad("length: required number is missing");
    }
    if (!(o.get("sha256") instanceof JsonString sha256)) {
      throw bad("sha256: required string is missing");
    }
    String sha512 = o.get("sha512") instanceof JsonString x ? x.value() : null;
    return artifact(path.value(), len.value(), sha256.value(), sha512, o.get("custom"));
  }

  private Artifact artifact(
      String path, long length, String sha256, String sha512, JsonValue custom) {
    if (length < 0) {
      throw bad("length: must be >= 0");
    }
    Map<String, String> hashes;
    if (sha512 == null) {
      hashes = Map.of("sha256", sha256);
    } else {
      TreeMap<String, String> m = new TreeMap<>(Json.CODE_POINT_ORDER);
      m.put("sha256", sha256);
      m.put("sha512", sha512);
      hashes = m;
    }
    return new Artifact(path, new TargetFile(length, hashes, custom, Map.of()));
  }

  private CliException bad(String reason) {
    return CliException.invalid(source + " line " + line + ": " + reason);
  }
}
