package dev.tufrepo.rest.internal;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonException;
import dev.tufrepo.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Reads request bodies: at most the configured number of bytes (413 above), parsed by our strict
 * JSON parser (duplicate keys refused), never through JSON-B. Signed metadata in a body is handed
 * on as its exact bytes in the body ({@link dev.tufrepo.json.Json#locate}), so {@link #read} the
 * bytes and {@link #parse} them where that matters. Malformed JSON is a 422 {@code json_invalid},
 * like FastAPI.
 */
public final class Bodies {
  private final long maxBytes;

  public Bodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public byte[] read(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    long total = 0;
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw tooLarge(maxBytes);
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      if (e.getClass().getSimpleName().equals("RequestTooBigException")) {
        throw tooLarge(maxBytes);
      }
      throw ApiException.of(400, "Bad request.", "cannot read the request body: " + e.getMessage());
    }
    return out.toByteArray();
  }

  public static ApiException tooLarge(long maxBytes) {
    return ApiException.of(
        413, "Request body too large.", "the body exceeds the limit of " + maxBytes + " bytes");
  }

  /** Reads and parses a required JSON body. */
  public JsonValue json(InputStream in) {
    return parse(read(in));
  }

  public static JsonValue parse(byte[] body) {
    if (body.length == 0 || isBlank(body)) {
      throw new ValidationException(
          List.of(new Problem("missing", List.of("body"), "Field required", null, null)));
    }
    try {
      return Json.parse(body);
    } catch (JsonException e) {
      long pos = Math.max(0, e.offset());
      throw new ValidationException(
          List.of(
              new Problem(
                  "json_invalid",
                  List.of("body", pos),
                  "JSON decode error",
                  Map.of(),
                  Map.of("error", e.reason()))));
    }
  }

  private static boolean isBlank(byte[] b) {
    for (byte x : b) {
      if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
        return false;
      }
    }
    return true;
  }
}
