package dev.tufrepo.model;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.internal.Hex;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a metadata file's {@code signatures}: the signing key's id and the hex signature
 * over the canonical bytes of {@code signed}.
 */
public record Signature(String keyid, String sig, Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"keyid", "sig"};

  public Signature {
    Objects.requireNonNull(keyid, "keyid");
    Objects.requireNonNull(sig, "sig");
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  public Signature(String keyid, byte[] signature) {
    this(keyid, Hex.encode(signature), Map.of());
  }

  /**
   * Reads a signature object ({@code {"keyid", "sig", ...}}, unknown fields kept); errors name
   * {@code path}.
   */
  public static Signature fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    return new Signature(f.string("keyid"), f.string("sig"), f.unrecognized());
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          if (i == 0) {
            w.name("keyid").value(keyid);
          } else {
            w.name("sig").value(sig);
          }
        });
    w.endObject();
  }
}
