package dev.tufrepo.model;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWritable;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.internal.Sha256;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Succinct hash bin delegation (<a
 * href="https://github.com/theupdateframework/taps/blob/master/tap15.md">TAP 15</a>): {@code
 * 2^bit_length} bins named {@code name_prefix-<hex>}, a target going to the bin given by the first
 * {@code bit_length} bits of SHA-256 of its path. Same names and assignment as python-tuf's and
 * tuf-js's {@code SuccinctRoles}.
 */
public record SuccinctRoles(
    List<String> keyids,
    int threshold,
    int bitLength,
    String namePrefix,
    Map<String, JsonValue> unrecognized)
    implements JsonWritable {
  private static final String[] KNOWN = {"bit_length", "keyids", "name_prefix", "threshold"};
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public SuccinctRoles {
    keyids = Role.uniqueKeyids(keyids, "keyids");
    Role.checkThreshold(threshold, "threshold");
    if (bitLength < 1 || bitLength > 32) {
      throw new MetadataFormatException("bit_length", "must be between 1 and 32");
    }
    Objects.requireNonNull(namePrefix, "name_prefix");
    unrecognized = Members.unrecognized(unrecognized, KNOWN);
  }

  public SuccinctRoles(List<String> keyids, int threshold, int bitLength, String namePrefix) {
    this(keyids, threshold, bitLength, namePrefix, Map.of());
  }

  /** The number of bins, {@code 2^bit_length}. */
  public long numberOfBins() {
    return 1L << bitLength;
  }

  /** The number of hex digits in a bin name's suffix: those of {@code numberOfBins() - 1}. */
  public int suffixLength() {
    return (bitLength + 3) / 4;
  }

  /** The index of the bin that {@code targetPath} belongs to. */
  public long binIndex(String targetPath) {
    return binIndexOfHash(Sha256.prefix32(targetPath));
  }

  /** The bin index for a path whose SHA-256 starts with the 4 big-endian bytes {@code prefix32}. */
  public long binIndexOfHash(int prefix32) {
    return Integer.toUnsignedLong(prefix32) >>> (32 - bitLength);
  }

  /** The name of the bin that {@code targetPath} belongs to. */
  public String roleForTarget(String targetPath) {
    return roleName(binIndex(targetPath));
  }

  /** The name of bin {@code index}, for example {@code bins-0a3} for 2^10 bins. */
  public String roleName(long index) {
    if (index < 0 || index >= numberOfBins()) {
      throw new IndexOutOfBoundsException("bin " + index + " of " + numberOfBins());
    }
    int n = suffixLength();
    char[] c = new char[namePrefix.length() + 1 + n];
    namePrefix.getChars(0, namePrefix.length(), c, 0);
    c[namePrefix.length()] = '-';
    for (int i = c.length - 1; i > namePrefix.length(); i--) {
      c[i] = HEX[(int) (index & 0xF)];
      index >>>= 4;
    }
    return new String(c);
  }

  /**
   * True if {@code name} is {@code roleName(index) + suffix} (a bin's metadata file name with
   * suffix {@code ".json"}), compared in place: checking that a snapshot lists every bin of 16,384
   * built and dropped two strings per bin.
   */
  public boolean isRoleName(String name, long index, String suffix) {
    int p = namePrefix.length();
    int n = suffixLength();
    if (index < 0
        || index >= numberOfBins()
        || name.length() != p + 1 + n + suffix.length()
        || !name.startsWith(namePrefix)
        || name.charAt(p) != '-'
        || !name.endsWith(suffix)) {
      return false;
    }
    for (int i = p + n; i > p; i--) {
      if (name.charAt(i) != HEX[(int) (index & 0xF)]) {
        return false;
      }
      index >>>= 4;
    }
    return true;
  }

  /** All bin names in index order; computed on access. Up to 2^30 bins. */
  public List<String> roleNames() {
    if (bitLength > 30) {
      throw new UnsupportedOperationException("too many bins to list: 2^" + bitLength);
    }
    int size = (int) numberOfBins();
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        Objects.checkIndex(index, size);
        return roleName(index);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /**
   * True if {@code roleName} is one of these bins: the prefix, a hyphen, then exactly {@link
   * #suffixLength()} lowercase hex digits naming an index below {@link #numberOfBins()}.
   */
  public boolean isDelegatedRole(String roleName) {
    int p = namePrefix.length();
    int n = suffixLength();
    if (roleName.length() != p + 1 + n
        || !roleName.startsWith(namePrefix)
        || roleName.charAt(p) != '-') {
      return false;
    }
    long index = 0;
    for (int i = p + 1; i < roleName.length(); i++) {
      char c = roleName.charAt(i);
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (d < 0) {
        return false;
      }
      index = (index << 4) | d;
    }
    return index < numberOfBins();
  }

  static SuccinctRoles fromJson(JsonValue json, String path) {
    Fields f = Fields.of(json, path);
    List<String> keyids = f.stringList("keyids");
    int threshold = f.intField("threshold");
    int bitLength = f.intField("bit_length");
    String prefix = f.string("name_prefix");
    Map<String, JsonValue> rest = f.unrecognized();
    return f.build(() -> new SuccinctRoles(keyids, threshold, bitLength, prefix, rest));
  }

  @Override
  public void writeTo(JsonWriter w) {
    w.beginObject();
    Members.write(
        w,
        KNOWN,
        unrecognized,
        i -> {
          switch (i) {
            case 0 -> w.name("bit_length").value(bitLength);
            case 1 -> {
              w.name("keyids");
              Members.writeStrings(w, keyids);
            }
            case 2 -> w.name("name_prefix").value(namePrefix);
            default -> w.name("threshold").value(threshold);
          }
        });
    w.endObject();
  }
}
