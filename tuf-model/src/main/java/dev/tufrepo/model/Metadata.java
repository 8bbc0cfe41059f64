package dev.tufrepo.model;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonPath;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A metadata file: the {@code signed} role content and its {@code signatures} (<a
 * href="https://theupdateframework.github.io/specification/latest/#file-formats-object-format">spec,
 * object format</a>). Signatures are over {@link #signedBytes()}, the canonical JSON of {@code
 * signed}; the file itself is written as ordinary JSON by {@link #toJson()}.
 *
 * @param <T> the role type
 */
public record Metadata<T extends Signed>(
    T signed, List<Signature> signatures, Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"signatures", "signed"};

  public Metadata {
    Objects.requireNonNull(signed, "signed");
    signatures = List.copyOf(signatures);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < signatures.size(); i++) {
      if (!seen.add(signatures.get(i).keyid())) {
        throw new MetadataFormatException(
            "signatures[" + i + "].keyid", "the same keyid signs twice");
      }
    }
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  /** Unsigned metadata for {@code signed}. */
  public static <T extends Signed> Metadata<T> of(T signed) {
    return new Metadata<>(signed, List.of(), Map.of());
  }

  /** Parses metadata of any role, dispatching on {@code signed._type}. */
  public static Metadata<? extends Signed> parse(byte[] json) {
    JsonValue doc = Json.parse(json);
    Fields f = Fields.of(doc, "");
    Fields signed = f.object("signed");
    String type = signed.string("_type");
    return switch (type) {
      case Root.TYPE -> read(f, Root.class);
      case Targets.TYPE -> read(f, Targets.class);
      case Snapshot.TYPE -> read(f, Snapshot.class);
      case Timestamp.TYPE -> read(f, Timestamp.class);
      default -> throw signed.error("_type", "unknown metadata type \"" + type + "\"");
    };
  }

  /** Parses metadata that must be of role type {@code type}. */
  public static <T extends Signed> Metadata<T> parse(byte[] json, Class<T> type) {
    return read(Fields.of(Json.parse(json), ""), type);
  }

  public static Metadata<Root> parseRoot(byte[] json) {
    return parse(json, Root.class);
  }

  public static Metadata<Targets> parseTargets(byte[] json) {
    return parse(json, Targets.class);
  }

  public static Metadata<Snapshot> parseSnapshot(byte[] json) {
    return parse(json, Snapshot.class);
  }

  public static Metadata<Timestamp> parseTimestamp(byte[] json) {
    return parse(json, Timestamp.class);
  }

  private static <T extends Signed> Metadata<T> read(Fields f, Class<T> type) {
    JsonValue signedJson = f.required("signed");
    Signed signed;
    if (type == Root.class) {
      signed = Root.fromJson(signedJson, "signed");
    } else if (type == Targets.class) {
      signed = Targets.fromJson(signedJson, "signed");
    } else if (type == Snapshot.class) {
      signed = Snapshot.fromJson(signedJson, "signed");
    } else if (type == Timestamp.class) {
      signed = Timestamp.fromJson(signedJson, "signed");
    } else {
      throw new IllegalArgumentException("unknown role type " + type);
    }
    JsonArray sigs = f.array("signatures");
    List<Signature> signatures = new ArrayList<>(sigs.values().size());
    for (int i = 0; i < sigs.values().size(); i++) {
      signatures.add(Signature.fromJson(sigs.values().get(i), JsonPath.element("signatures", i)));
    }
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new Metadata<>(type.cast(signed), signatures, rest));
  }

  /** The canonical JSON bytes of {@code signed}: the bytes every signature is over. */
  public byte[] signedBytes() {
    return signed.toCanonicalJson();
  }

  /** The file bytes: compact JSON, keys sorted, control characters escaped, UTF-8. */
  public byte[] toJson() {
    JsonWriter w = JsonWriter.json(4096);
    writeTo(w);
    return w.toByteArray();
  }

  /** This metadata signed by {@code signers} alone: earlier signatures are dropped. */
  public Metadata<T> signedBy(Signer... signers) {
    byte[] bytes = signedBytes();
    List<Signature> sigs = new ArrayList<>(signers.length);
    for (Signer s : signers) {
      sigs.add(s.sign(bytes));
    }
    return new Metadata<>(signed, sigs, unrecognized);
  }

  /** This metadata with {@code signature} added, replacing an earlier one of the same keyid. */
  public Metadata<T> withSignature(Signature signature) {
    List<Signature> sigs = new ArrayList<>(signatures.size() + 1);
    for (Signature s : signatures) {
      if (!s.keyid().equals(signature.keyid())) {
        sigs.add(s);
      }
    }
    sigs.add(signature);
    return new Metadata<>(signed, sigs, unrecognized);
  }

  /** New content, no signatures. */
  public <U extends Signed> Metadata<U> withSigned(U newSigned) {
    return new Metadata<>(newSigned, List.of(), unrecognized);
  }

  /** The role type name, from {@code signed._type}. */
  public String type() {
    return signed.type();
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
            w.name("signatures").beginArray();
            for (Signature s : signatures) {
              s.writeTo(w);
            }
            w.endArray();
          } else {
            w.name("signed");
            signed.writeTo(w);
          }
        });
    w.endObject();
  }
}
