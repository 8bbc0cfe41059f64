package dev.tufrepo.json;

/** Something that writes itself as one JSON value, members in code point order. */
public interface JsonWritable {
  void writeTo(JsonWriter writer);

  /** The canonical JSON bytes of this value: what TUF signs. */
  default byte[] toCanonicalJson() {
    JsonWriter w = JsonWriter.canonical(1024);
    writeTo(w);
    return w.toByteArray();
  }
}
