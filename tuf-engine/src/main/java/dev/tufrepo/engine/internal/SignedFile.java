package dev.tufrepo.engine.internal;

import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Signer;
import java.util.List;

/**
 * A signed metadata object together with the exact bytes that are published for it.
 *
 * <p>The file is written as ordinary JSON. When the canonical bytes of {@code signed} hold no
 * control character they are already valid JSON, identical to what {@link Metadata#toJson()}
 * writes, so the file is assembled around them without encoding {@code signed} a second time.
 */
public record SignedFile<T extends Signed>(Metadata<T> metadata, byte[] bytes) {

  /** Signs {@code signed} with {@code signer} and builds its file bytes. */
  public static <T extends Signed> SignedFile<T> sign(T signed, Signer signer) {
    // a snapshot's meta keeps its bytes: size the writer for them instead of doubling up to twice
    // their size (for 16,384 bins past 1 MiB, which G1 allocates as a humongous object)
    int metaLength =
        signed instanceof dev.tufrepo.model.Snapshot s
            ? dev.tufrepo.json.Json.encodedLength(s.meta())
            : -1;
    JsonWriter w = JsonWriter.canonical(metaLength > 0 ? metaLength + 1024 : 4096);
    signed.writeTo(w);
    Signature sig = signer.sign(w.buffer(), 0, w.size());
    Metadata<T> md = new Metadata<>(signed, List.of(sig), java.util.Map.of());
    return new SignedFile<>(md, fileBytes(md, w.buffer(), 0, w.size()));
  }

  /**
   * The file bytes of {@code md}, whose signed part's canonical bytes are {@code canonical[offset,
   * offset+length)}: the one array made is the file.
   */
  static byte[] fileBytes(Metadata<?> md, byte[] canonical, int offset, int length) {
    if (!md.unrecognized().isEmpty() || hasControlBytes(canonical, offset, length)) {
      return md.toJson();
    }
    JsonWriter head = JsonWriter.json(256);
    head.beginArray();
    for (Signature s : md.signatures()) {
      s.writeTo(head);
    }
    head.endArray();
    byte[] sigs = head.toByteArray();
    byte[] prefix = "{\"signatures\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] middle = ",\"signed\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] out = new byte[prefix.length + sigs.length + middle.length + length + 1];
    int p = 0;
    System.arraycopy(prefix, 0, out, p, prefix.length);
    p += prefix.length;
    System.arraycopy(sigs, 0, out, p, sigs.length);
    p += sigs.length;
    System.arraycopy(middle, 0, out, p, middle.length);
    p += middle.length;
    System.arraycopy(canonical, offset, out, p, length);
    p += length;
    out[p] = '}';
    return out;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Whether {@code b[offset, offset+length)} has a byte from 0x00 to 0x1f. Eight bytes at a time:
   * {@code (x - 0x20..) & ~x} sets the high bit of each byte below 0x20; a borrow can set it in a
   * byte above one, never in a word without one, so "any high bit" is exact. Four words are
   * combined before each test: 14 kB take half the time they took one word per test.
   */
  static boolean hasControlBytes(byte[] b, int offset, int length) {
    int end = offset + length;
    int i = offset;
    for (; i + 32 <= end; i += 32) {
      long any =
          belowSpace((long) LONGS.get(b, i))
              | belowSpace((long) LONGS.get(b, i + 8))
              | belowSpace((long) LONGS.get(b, i + 16))
              | belowSpace((long) LONGS.get(b, i + 24));
      if (any != 0) {
        return true;
      }
    }
    for (; i + 8 <= end; i += 8) {
      if (belowSpace((long) LONGS.get(b, i)) != 0) {
        return true;
      }
    }
    for (; i < end; i++) {
      if (b[i] >= 0 && b[i] < 0x20) {
        return true;
      }
    }
    return false;
  }

  /**
   * The high bits of the bytes of {@code x} below 0x20 (and maybe of bytes above one): 0 if none.
   */
  private static long belowSpace(long x) {
    return (x - 0x2020202020202020L) & ~x & 0x8080808080808080L;
  }

  /**
   * The versioned file name of this metadata for role {@code role}: {@code <version>.<role>.json}.
   */
  public String versionedName(String role) {
    return metadata.signed().version() + "." + role + ".json";
  }
}
