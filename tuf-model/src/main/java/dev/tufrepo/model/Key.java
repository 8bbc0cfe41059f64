package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.internal.Hex;
import dev.tufrepo.model.internal.PublicKeys;
import dev.tufrepo.model.internal.Sha256;
import java.util.Map;
import java.util.Objects;

/**
 * A public key as TUF writes it: {@code {"keytype", "scheme", "keyval": {"public"}}} (<a
 * href="https://theupdateframework.github.io/specification/latest/#file-formats-object-format">spec,
 * KEY</a>). Unknown members of the key and of {@code keyval} are kept; RSTUF's {@code x-rstuf-*}
 * fields are among them.
 */
public record Key(
    String keytype,
    String scheme,
    Map<String, JsonValue> keyval,
    Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"keytype", "keyval", "scheme"};

  public Key {
    Objects.requireNonNull(keytype, "keytype");
    Objects.requireNonNull(scheme, "scheme");
    keyval = Json.sortedMap(keyval);
    if (!(keyval.get("public") instanceof JsonString)) {
      throw new MetadataFormatException("keyval.public", "required string is missing");
    }
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  /** A key of {@code scheme} with public value {@code publicValue} (hex or PEM). */
  public static Key of(KeyScheme scheme, String publicValue) {
    return new Key(
        scheme.keytype(), scheme.scheme(), Map.of("public", new JsonString(publicValue)), Map.of());
  }

  /** The public value: 64 hex digits for ed25519, a SubjectPublicKeyInfo PEM otherwise. */
  public String publicValue() {
    return ((JsonString) keyval.get("public")).value();
  }

  /** This key with other unrecognized fields (for example {@code x-rstuf-online-key-uri}). */
  public Key withUnrecognized(Map<String, JsonValue> fields) {
    return new Key(keytype, scheme, keyval, fields);
  }

  /**
   * The keyid: lowercase hex SHA-256 of the canonical JSON of exactly {@code keytype}, {@code
   * keyval} and {@code scheme}, as securesystemslib computes it. Unrecognized top-level fields do
   * not count.
   */
  public String keyId() {
    JsonWriter w = JsonWriter.canonical(256);
    w.beginObject();
    writeKnown(w);
    w.endObject();
    return Sha256.hex(w.toByteArray());
  }

  /**
   * A verifier for signatures of this key.
   *
   * @throws KeyFormatException if the type or scheme is unsupported or the public value malformed
   */
  public PublicKeys.Verifier verifier() {
    return PublicKeys.verifier(keytype, scheme, publicValue());
  }

  /** True if {@code sigHex} is a valid signature of this key over {@code message}. */
  public boolean verify(byte[] message, String sigHex) {
    byte[] sig;
    try {
      sig = Hex.decode(sigHex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return verifier().verify(message, 0, message.length, sig);
  }

  /** Reads a key object; errors name {@code path} and the field. */
  public static Key fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    String keytype = f.string("keytype");
    String scheme = f.string("scheme");
    Fields kv = f.object("keyval");
    kv.string("public");
    Map<String, JsonValue> keyval = kv.members();
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new Key(keytype, scheme, keyval, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    if (unrecognized.isEmpty()) {
      writeKnown(w);
    } else {
      Members.write(
          w,
          KNOWN,
          unrecognized,
          i -> {
            switch (i) {
              case 0 -> w.name("keytype").value(keytype);
              case 1 -> w.name("keyval").beginObject().members(keyval).endObject();
              default -> w.name("scheme").value(scheme);
            }
          });
    }
    w.endObject();
  }

  private void writeKnown(JsonWriter w) {
    w.name("keytype").value(keytype);
    w.name("keyval").beginObject().members(keyval).endObject();
    w.name("scheme").value(scheme);
  }
}
