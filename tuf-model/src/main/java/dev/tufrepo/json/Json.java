package dev.tufrepo.json;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/** Entry points: parse JSON text, write canonical JSON and plain JSON. */
public final class Json {
  /**
   * Orders strings by Unicode code point, the order securesystemslib sorts object keys in (Python's
   * {@code sorted()} on {@code str}, equal to unsigned UTF-8 byte order). {@link String#compareTo}
   * orders by UTF-16 code unit, which differs when a supplementary character meets one in
   * U+E000..U+FFFF.
   */
  public static final Comparator<String> CODE_POINT_ORDER = Json::compareCodePoints;

  private Json() {}

  /** Parses strict JSON: duplicate keys, floats, lone surrogates and invalid UTF-8 are refused. */
  public static JsonValue parse(byte[] utf8) {
    return new JsonParser(utf8, false).parseDocument();
  }

  /** Parses strict JSON from a string (encoded to UTF-8 first). */
  public static JsonValue parse(String text) {
    return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Parses like Python's {@code json.loads} does for duplicate keys: the last one wins. Everything
   * else is as strict as {@link #parse(byte[])}. Only for reading foreign data that is known to
   * carry duplicates; a repository refuses them.
   */
  public static JsonValue parseLastKeyWins(byte[] utf8) {
    return new JsonParser(utf8, true).parseDocument();
  }

  /**
   * Parses {@code utf8} as strictly as {@link #parse(byte[])} and tells where the value at the
   * member path {@code names} lies in it (for {@code "metadata", "root"}: the value of {@code root}
   * in the object that is the value of {@code metadata} in the top-level object). The bytes of the
   * span are the value as the sender wrote it, so signed metadata inside a larger document can be
   * kept without re-serializing it.
   *
   * @return the span, or empty when an object on the path lacks the member or a value on the path
   *     is not an object; with no names, the span of the whole document without the whitespace
   *     around it
   * @throws JsonException as {@link #parse(byte[])} does; a duplicate key anywhere is refused
   */
  public static java.util.Optional<JsonSpan> locate(byte[] utf8, String... names) {
    return java.util.Optional.ofNullable(JsonParser.locate(utf8, names));
  }

  /** The OLPC canonical JSON bytes of {@code value}, as securesystemslib would produce them. */
  public static byte[] canonical(JsonValue value) {
    JsonWriter w = JsonWriter.canonical();
    w.value(value);
    return w.toByteArray();
  }

  /** Compact standard JSON (control characters escaped), keys in code point order. */
  public static byte[] write(JsonValue value) {
    return write(value, 256);
  }

  /**
   * As {@link #write(JsonValue)}, into a buffer of {@code expectedSize} bytes to start with: for a
   * large value whose size the caller can tell, so the buffer is not grown and copied repeatedly.
   */
  public static byte[] write(JsonValue value, int expectedSize) {
    JsonWriter w = JsonWriter.json(expectedSize);
    w.value(value);
    return w.toByteArray();
  }

  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) {
          return surrogatesLast(x) - surrogatesLast(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  /** Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF so UTF-16 order becomes code point. */
  private static int surrogatesLast(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }

  /**
   * Writes {@code sorted} (keys in {@link #CODE_POINT_ORDER}) as an object whose member values
   * write themselves. With a canonical writer, a map made by this class ({@link #sortedMap}, {@link
   * #withChanges}, {@link SortedMapBuilder}) keeps the canonical bytes of the object the first time
   * it is written: writing it again copies them, and {@link #withChanges} on it shares the runs of
   * unchanged members with the new map (runs of about 1 kB), so re-signing a large map (a bin, the
   * snapshot's meta) after a few changes encodes only the changed members. The values must be
   * immutable, as the model's records are.
   */
  public static void writeObject(JsonWriter w, Map<String, ? extends JsonWritable> sorted) {
    if (w.isCanonical() && sorted instanceof FrozenSortedMap<?> f) {
      Encoding e = f.encoding;
      if (e == null) {
        e = f.encode();
        f.encoding = e;
      }
      e.writeTo(w);
      return;
    }
    w.beginObject();
    for (Map.Entry<String, ? extends JsonWritable> m : sorted.entrySet()) {
      w.name(m.getKey());
      m.getValue().writeTo(w);
    }
    w.endObject();
  }

  /**
   * The length of the canonical bytes that {@link #writeObject} would copy for {@code sorted}, when
   * the map already keeps them; otherwise -1. Lets a caller size its writer exactly.
   */
  public static int encodedLength(Map<String, ?> sorted) {
    if (sorted instanceof FrozenSortedMap<?> f) {
      Encoding e = f.encoding;
      return e == null ? -1 : e.length;
    }
    return -1;
  }

  /**
   * The canonical JSON of a map as an object, {@code {"k1":v1,"k2":v2}}, held as runs of whole
   * members that the later versions of the map share. A run is about {@link EncodingBuilder#RUN}
   * bytes: its members joined by commas, without the braces, and where each starts (its name's
   * opening quote). Changing one member of a large map copies the run it is in, not the whole
   * encoding: an 8.7 kB bin of the artifact index that was re-signed for one new target used to
   * leave a new 9 kB array that lived until its next change, and under steady load those arrays
   * were most of what G1's young collections copied. A small map is a single run, this object
   * itself ({@link #runs} null). Immutable.
   */
  private static final class Encoding {
    /** This run's members joined by commas (null in a map of several runs). */
    final byte[] bytes;

    /** Bytes of {@link #bytes} used. */
    final int runLength;

    /** Where each member of this run starts in {@link #bytes}. */
    final int[] starts;

    /** Every run of the map, in order, when there are several; else null. */
    final Encoding[] runs;

    /** With {@link #runs}, the index in the map of each run's first member. */
    final int[] firstMember;

    /** The whole object's length: braces, members and commas. */
    final int length;

    /** A single run: the encoding of a map whose members are {@code bytes[0, runLength)}. */
    Encoding(byte[] bytes, int runLength, int[] starts) {
      this.bytes = bytes;
      this.runLength = runLength;
      this.starts = starts;
      this.runs = null;
      this.firstMember = null;
      this.length = runLength + 2;
    }

    /** A map of several runs, each a single-run encoding. */
    Encoding(Encoding[] runs, int[] firstMember, int length) {
      this.bytes = null;
      this.runLength = 0;
      this.starts = null;
      this.runs = runs;
      this.firstMember = firstMember;
      this.length = length;
    }

    int runCount() {
      return runs == null ? 1 : runs.length;
    }

    Encoding run(int r) {
      return runs == null ? this : runs[r];
    }

    /** The map index of run {@code r}'s first member. */
    int first(int r) {
      return runs == null ? 0 : firstMember[r];
    }

    /** The run that holds member {@code i} of the map. */
    int runOf(int i) {
      if (runs == null) {
        return 0;
      }
      int r = Arrays.binarySearch(firstMember, i);
      return r >= 0 ? r : -r - 2;
    }

    /** Where member {@code j} of this run ends: before the comma that follows it, or the end. */
    int end(int j) {
      return j + 1 < starts.length ? starts[j + 1] - 1 : runLength;
    }

    void writeTo(JsonWriter w) {
      w.rawBegin(length);
      w.rawByte((byte) '{');
      for (int r = 0; r < runCount(); r++) {
        Encoding run = run(r);
        if (r > 0) {
          w.rawByte((byte) ',');
        }
        w.rawBytes(run.bytes, 0, run.runLength);
      }
      w.rawByte((byte) '}');
    }
  }

  /**
   * Unused bytes a run may keep at the end of its array rather than be copied to fit: at most this,
   * and at most an eighth of what it holds (or 64 bytes).
   */
  private static final int MAX_SLACK = 512;

  /**
   * Builds an {@link Encoding} as canonical members are appended: runs of an old encoding that are
   * copied whole are shared; everything else goes into the open run, which is closed once it holds
   * {@link #RUN} bytes.
   */
  private static final class EncodingBuilder {
    /** An open run is closed once it holds this many bytes. */
    static final int RUN = 1024;

    /**
     * An old run copied whole is shared, unless the open run holds fewer bytes than this: then the
     * old run is copied into it whole (up to {@code 2 * RUN} bytes in all), so that changes do not
     * leave ever smaller runs and the runs after it are shared again.
     */
    static final int SHARE_MIN = RUN / 2;

    private Encoding[] runs = new Encoding[4];
    private int[] firstMember = new int[4];
    private int closed;
    private int closedBytes; // the closed runs' bytes, without the commas between them

    private byte[] out; // the open run; null until needed after a close kept its array
    private int pos;
    private int[] starts;
    private int open; // members in the open run
    private int members; // members in all runs
    private final int capacity;
    private JsonWriter scratch;

    /** {@code capacity}: about the bytes of the members to come, to size the first run. */
    EncodingBuilder(int capacity, int maxMembers) {
      this.capacity = Math.max(16, Math.min(capacity, RUN + 256));
      this.starts = new int[Math.max(1, Math.min(maxMembers, 64))];
    }

    /** Appends old members {@code from..to-1} of {@code old}. */
    void copy(Encoding old, int from, int to) {
      // the first run is looked up; the copy then walks the runs in order
      for (int r = from < to ? old.runOf(from) : 0; from < to; r++) {
        Encoding run = old.run(r);
        int first = old.first(r);
        int end = first + run.starts.length;
        int stop = Math.min(to, end);
        if (from == first && stop == end) {
          if (open == 0 || pos >= SHARE_MIN || pos + 1 + run.runLength > 2 * RUN) {
            close();
            members += end - first;
            add(run);
          } else {
            append(run, 0, end - first, false);
            close();
          }
        } else {
          append(run, from - first, stop - first, true);
        }
        from = stop;
      }
    }

    /**
     * Appends members {@code a..b-1} of the single run {@code run}; with {@code split}, closing the
     * open run whenever it fills.
     */
    private void append(Encoding run, int a, int b, boolean split) {
      while (a < b) {
        int src = run.starts[a];
        int k = a + 1;
        while (k < b && (!split || pos + run.starts[k] - src < RUN)) {
          k++;
        }
        int n = run.end(k - 1) - src;
        comma();
        ensure(n, k - a);
        System.arraycopy(run.bytes, src, out, pos, n);
        int delta = pos - src;
        for (int j = a; j < k; j++) {
          starts[open++] = run.starts[j] + delta;
        }
        members += k - a;
        pos += n;
        if (split) {
          closeIfFull();
        }
        a = k;
      }
    }

    /** Appends a member encoded ahead. */
    void copy(EncodedMember m) {
      comma();
      ensure(m.length, 1);
      System.arraycopy(m.bytes, m.offset, out, pos, m.length);
      starts[open++] = pos;
      members++;
      pos += m.length;
      closeIfFull();
    }

    /** Appends a member encoded now. */
    void encode(String key, JsonWritable value) {
      if (scratch == null) {
        scratch = JsonWriter.canonical(256);
      }
      scratch.reset();
      scratch.beginObject();
      scratch.name(key);
      value.writeTo(scratch);
      comma();
      int n = scratch.size() - 1; // without the '{'
      ensure(n, 1);
      System.arraycopy(scratch.buffer(), 1, out, pos, n);
      starts[open++] = pos;
      members++;
      pos += n;
      closeIfFull();
    }

    Encoding build() {
      if (closed == 0) {
        return open == 0 ? EMPTY_ENCODING : openRun();
      }
      close();
      if (closed == 1) {
        return runs[0];
      }
      return new Encoding(
          Arrays.copyOf(runs, closed),
          Arrays.copyOf(firstMember, closed),
          closedBytes + closed - 1 + 2);
    }

    private void closeIfFull() {
      if (pos >= RUN) {
        close();
      }
    }

    /** Closes the open run, if it has members. */
    private void close() {
      if (open > 0) {
        add(openRun());
      }
    }

    /** The open run as a single-run encoding; the builder starts a new one. */
    private Encoding openRun() {
      byte[] bytes;
      int slack = out.length - pos;
      if (slack > MAX_SLACK || slack > Math.max(64, pos >> 3)) {
        bytes = Arrays.copyOf(out, pos);
      } else {
        bytes = out; // kept: the next run gets a new array
        out = null;
      }
      Encoding run = new Encoding(bytes, pos, Arrays.copyOf(starts, open));
      pos = 0;
      open = 0;
      return run;
    }

    private void add(Encoding run) {
      if (closed == runs.length) {
        runs = Arrays.copyOf(runs, closed * 2);
        firstMember = Arrays.copyOf(firstMember, closed * 2);
      }
      runs[closed] = run;
      firstMember[closed++] = members - run.starts.length;
      closedBytes += run.runLength;
    }

    private void comma() {
      if (open > 0) {
        ensure(1, 0);
        out[pos++] = ',';
      }
    }

    /** Room for {@code bytes} more bytes and {@code count} more members in the open run. */
    private void ensure(int bytes, int count) {
      if (out == null) {
        out = new byte[Math.max(capacity, bytes + 1)];
      } else if (pos + bytes > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, pos + bytes));
      }
      if (open + count > starts.length) {
        starts = Arrays.copyOf(starts, Math.max(starts.length * 2, open + count));
      }
    }
  }

  /**
   * An immutable copy of {@code map} sorted by {@link #CODE_POINT_ORDER}. A map that this method
   * returned is returned as it is, so records can copy defensively without paying twice.
   */
  public static <V> SortedMap<String, V> sortedMap(Map<String, ? extends V> map) {
    if (map instanceof FrozenSortedMap) {
      @SuppressWarnings("unchecked")
      SortedMap<String, V> same = (SortedMap<String, V>) map;
      return same;
    }
    if (map.isEmpty()) {
      return Collections.emptySortedMap();
    }
    if (map.size() == 1) { // the usual hashes map: no tree needed to sort one entry
      Map.Entry<String, ? extends V> e = map.entrySet().iterator().next();
      return new FrozenSortedMap<>(
          Objects.requireNonNull(e.getKey(), "key"), Objects.requireNonNull(e.getValue(), "value"));
    }
    TreeMap<String, V> copy = new TreeMap<>(CODE_POINT_ORDER);
    for (Map.Entry<String, ? extends V> e : map.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), "key"), Objects.requireNonNull(e.getValue(), "value"));
    }
    return new FrozenSortedMap<>(copy);
  }

  /**
   * Freezes {@code tree} without re-sorting or re-checking it. Only for a map the caller built
   * itself, sorted by {@link #CODE_POINT_ORDER}, and never touches again.
   */
  public static <V> SortedMap<String, V> freeze(TreeMap<String, V> tree) {
    if (tree.comparator() != CODE_POINT_ORDER) {
      throw new IllegalArgumentException("map must be sorted by Json.CODE_POINT_ORDER");
    }
    return tree.isEmpty() ? Collections.emptySortedMap() : new FrozenSortedMap<>(tree);
  }

  /**
   * Collects the members of a map sorted by {@link #CODE_POINT_ORDER}, for input that usually
   * arrives sorted (canonical JSON, or a sorted map being transformed): a member in order is
   * appended after one comparison; the first one out of order moves all of them into a TreeMap.
   * {@link #build()} returns the same immutable map as {@link #sortedMap}. Not thread-safe.
   */
  public static final class SortedMapBuilder<V> {
    private String[] keys;
    private Object[] values;
    private int size;
    private TreeMap<String, V> tree;

    public SortedMapBuilder() {
      this(8);
    }

    public SortedMapBuilder(int expectedSize) {
      keys = new String[Math.max(1, expectedSize)];
      values = new Object[keys.length];
    }

    /** Adds {@code key} with {@code value}; returns the value {@code key} had, or null. */
    public V put(String key, V value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (tree == null) {
        int c = size == 0 ? 1 : compareCodePoints(key, keys[size - 1]);
        if (c > 0) {
          if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
          }
          keys[size] = key;
          values[size++] = value;
          return null;
        }
        if (c == 0) {
          @SuppressWarnings("unchecked")
          V old = (V) values[size - 1];
          values[size - 1] = value;
          return old;
        }
        tree = new TreeMap<>(CODE_POINT_ORDER);
        for (int i = 0; i < size; i++) {
          @SuppressWarnings("unchecked")
          V v = (V) values[i];
          tree.put(keys[i], v);
        }
        keys = null;
        values = null;
      }
      return tree.put(key, value);
    }

    /** The immutable sorted map of what was added. */
    public SortedMap<String, V> build() {
      if (tree != null) {
        return freeze(tree);
      }
      if (size == 0) {
        return Collections.emptySortedMap();
      }
      return new FrozenSortedMap<>(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
    }
  }

  /** Decodes the value of member {@code key} of a compacted map; see {@link #compact}. */
  @FunctionalInterface
  public interface MemberDecoder<V> {
    V decode(String key, JsonValue value);
  }

  /**
   * {@code sorted} (keys in {@link #CODE_POINT_ORDER}, values immutable {@link JsonWritable}s) held
   * as its keys and canonical bytes only: a value is decoded from the bytes by {@code decoder} each
   * time it is read, and not kept. Writing the map copies the bytes, and {@link #withChanges} on it
   * shares the bytes of the unchanged members and keeps the new map compact, its new members held
   * as bytes too, so a map that is mostly written and rarely read (a bin of the artifact index)
   * costs a few objects per member instead of the whole object graph of every value. {@code
   * decoder} must give back a value equal to the one that was encoded. A map that is compact
   * already is returned as it is.
   */
  public static <V extends JsonWritable> SortedMap<String, V> compact(
      Map<String, V> sorted, MemberDecoder<? extends V> decoder) {
    Objects.requireNonNull(decoder, "decoder");
    SortedMap<String, V> map = sortedMap(sorted);
    if (!(map instanceof FrozenSortedMap<V> f)) {
      return map; // empty
    }
    if (f.decoder != null) {
      return f;
    }
    Encoding e = f.encoding;
    if (e == null) {
      e = f.encode();
      f.encoding = e;
    }
    return new FrozenSortedMap<>(f.keys, null, e, decoder, f.index);
  }

  /**
   * An immutable copy of {@code base} with {@code count} changes applied: key {@code keys[i]} gets
   * {@code values[i]}, or is removed when that value is null. The changed keys must be strictly
   * ascending in {@link #CODE_POINT_ORDER}. Each change costs a binary search and the unchanged
   * runs between them are copied whole, so changing a few members of a large map compares a few
   * keys, not all of them.
   *
   * @throws IllegalArgumentException if the keys are not strictly ascending
   */
  public static <V> SortedMap<String, V> withChanges(
      Map<String, ? extends V> base, String[] keys, Object[] values, int count) {
    return withChanges(base, keys, values, null, count);
  }

  /**
   * As {@link #withChanges(Map, String[], Object[], int)}, with the changed members' canonical
   * bytes encoded ahead where {@code encoded[i]} is not null (see {@link MemberEncoder}): they are
   * copied instead of encoded again. A member encoded for another key or value object is encoded
   * again. With every added member encoded ahead, a map without canonical bytes (an empty one) gets
   * them too, so that writing it copies bytes: encoding the members in the order they arrived, then
   * copying them into maps in key order, reads each value's objects while they are close together
   * in memory instead of scattered across a large heap.
   *
   * @param encoded members encoded ahead, index for index with {@code keys}; may be null
   */
  public static <V> SortedMap<String, V> withChanges(
      Map<String, ? extends V> base,
      String[] keys,
      Object[] values,
      EncodedMember[] encoded,
      int count) {
    Objects.checkFromToIndex(0, count, Math.min(keys.length, values.length));
    int unsorted = firstUnsorted(keys, count);
    if (unsorted >= 0) {
      throw new IllegalArgumentException(
          "changed keys are not strictly ascending at \"" + keys[unsorted] + "\"");
    }
    return withSortedChanges(base, keys, values, encoded, count);
  }

  /**
   * As {@link #withChanges(Map, String[], Object[], EncodedMember[], int)}, for keys that the
   * caller has just sorted itself: their order is not compared again (only with assertions
   * enabled). Comparing each key with the one before reads both strings; for a million keys that a
   * sort by a prefix of each already put in order, those reads, scattered across the heap, were
   * about 3% of a publish. Keys out of order give a map whose lookups miss.
   */
  public static <V> SortedMap<String, V> withSortedChanges(
      Map<String, ? extends V> base,
      String[] keys,
      Object[] values,
      EncodedMember[] encoded,
      int count) {
    Objects.checkFromToIndex(0, count, Math.min(keys.length, values.length));
    if (encoded != null) {
      Objects.checkFromToIndex(0, count, encoded.length);
    }
    assert firstUnsorted(keys, count) < 0 : "changed keys are not strictly ascending";
    SortedMap<String, V> sorted = sortedMap(base);
    String[] oldKeys;
    Object[] oldValues;
    MemberDecoder<?> decoder = null;
    if (sorted instanceof FrozenSortedMap<?> f) {
      oldKeys = f.keys;
      oldValues = f.values;
      decoder = f.decoder;
    } else {
      oldKeys = new String[0]; // the empty map
      oldValues = new Object[0];
    }
    // made at the first change that adds or removes a key: until then the new map's keys are the
    // old ones in the same places, and a map that only replaces values shares the old array
    String[] outKeys = null;
    int capacity = oldKeys.length + count;
    // the old map's canonical bytes, when it has them and every new value can write itself
    Encoding oldEncoding = sorted instanceof FrozenSortedMap<?> f ? f.encoding : null;
    if (oldEncoding == null && oldKeys.length == 0 && allEncoded(keys, values, encoded, count)) {
      oldEncoding = EMPTY_ENCODING;
    }
    for (int i = 0; oldEncoding != null && i < count; i++) {
      if (values[i] != null && !(values[i] instanceof JsonWritable)) {
        oldEncoding = null;
      }
    }
    if (decoder != null && oldEncoding == null) {
      // a compact map changed by a value that cannot write itself: no bytes to keep values in
      oldValues = ((FrozenSortedMap<?>) sorted).decodeAll();
      decoder = null;
    }
    // a compact map stays compact: its new members too are read back from their bytes, not held
    // (holding them made a long-lived artifact index hold the whole object graph of every target
    // added since the start, nearly three times the memory of its bytes, and a values array per
    // re-signed bin)
    Object[] outValues = decoder != null ? null : new Object[capacity];
    // room for the changed members at about the old ones' average size (a fixed 256 bytes each made
    // the buffer of a snapshot with thousands of changes twice its size, past 1 MiB: a G1
    // humongous object per publish)
    EncodingBuilder encoding =
        oldEncoding == null
            ? null
            : new EncodingBuilder(
                oldEncoding.length + changedSize(oldEncoding, oldKeys.length, encoded, count),
                capacity);
    // a large map's keys are found through its index; most changes of a snapshot's meta replace
    // entries, and then the new map shares the keys array and the index
    KeyIndex oldIndex =
        sorted instanceof FrozenSortedMap<?> f && f.keys.length >= KeyIndex.MIN_KEYS
            ? f.keyIndex()
            : null;
    KeyIndex lookUp = oldIndex == KeyIndex.NONE ? null : oldIndex;
    int from = 0; // next old index to copy
    int n = 0;
    for (int i = 0; i < count; i++) {
      String key = Objects.requireNonNull(keys[i], "key");
      int at = lookUp == null ? -1 : lookUp.find(oldKeys, key);
      if (at < from) { // absent (or keys out of order): the binary search gives where it goes
        at = Arrays.binarySearch(oldKeys, from, oldKeys.length, key, CODE_POINT_ORDER);
      }
      if (outKeys == null && (at < 0 || values[i] == null)) {
        outKeys = new String[capacity];
        System.arraycopy(oldKeys, 0, outKeys, 0, from); // n == from while no key was added
      }
      int end = at >= 0 ? at : -at - 1; // old members before the changed key
      if (outKeys != null) {
        System.arraycopy(oldKeys, from, outKeys, n, end - from);
      }
      if (outValues != null) {
        System.arraycopy(oldValues, from, outValues, n, end - from);
      }
      if (encoding != null) {
        encoding.copy(oldEncoding, from, end);
      }
      n += end - from;
      from = at >= 0 ? at + 1 : end;
      if (values[i] != null) {
        if (outKeys != null) {
          outKeys[n] = key;
        }
        if (outValues != null) {
          outValues[n] = values[i];
        }
        n++;
        if (encoding != null) {
          EncodedMember m = encoded == null ? null : encoded[i];
          if (m != null && m.key == key && m.value == values[i]) {
            encoding.copy(m);
          } else {
            encoding.encode(key, (JsonWritable) values[i]);
          }
        }
      }
    }
    if (outKeys != null) {
      System.arraycopy(oldKeys, from, outKeys, n, oldKeys.length - from);
    }
    if (outValues != null) {
      System.arraycopy(oldValues, from, outValues, n, oldKeys.length - from);
    }
    if (encoding != null) {
      encoding.copy(oldEncoding, from, oldKeys.length);
    }
    n += oldKeys.length - from;
    if (n == 0) {
      return Collections.emptySortedMap();
    }
    // the same keys in the same places: the old array (equal strings) and its index serve
    boolean shared = outKeys == null;
    String[] k = shared ? oldKeys : n == outKeys.length ? outKeys : Arrays.copyOf(outKeys, n);
    KeyIndex index = shared ? oldIndex : null;
    Object[] v =
        outValues == null || n == outValues.length ? outValues : Arrays.copyOf(outValues, n);
    if (encoding == null) {
      return new FrozenSortedMap<>(k, v, null, null, index);
    }
    @SuppressWarnings("unchecked")
    MemberDecoder<? extends V> d = (MemberDecoder<? extends V>) decoder;
    return new FrozenSortedMap<>(k, v, encoding.build(), d, index); // compact when the base was
  }

  /**
   * Where each key of a large {@link FrozenSortedMap} is, by hash: open addressing, position + 1
   * per slot. A binary search of a snapshot's 16,384 names compared 14 strings scattered across the
   * heap per lookup, and a publish looks each re-signed bin up several times. Immutable; its final
   * fields make it safe to hand between threads through a plain field.
   */
  private static final class KeyIndex {
    /** Smaller maps are searched by halves: a few comparisons, no table. */
    static final int MIN_KEYS = 256;

    /**
     * No key lies further than this from its first slot, or the map gets no index ({@link #NONE})
     * and is searched by halves. Target paths come from clients, and strings with equal hash codes
     * are easy to make: without the bound, a bin of such paths would make every lookup, and the
     * building of the index, walk them all. With random hash codes a table at most half full places
     * keys a few slots away.
     */
    static final int MAX_DISTANCE = 64;

    /** The index of a map whose keys are too crowded in the table: search it by halves. */
    static final KeyIndex NONE = new KeyIndex(new int[0], 0);

    private final int[] slots;
    private final int shift;

    private KeyIndex(int[] slots, int shift) {
      this.slots = slots;
      this.shift = shift;
    }

    /** The index of {@code keys}, or {@link #NONE}. */
    static KeyIndex of(String[] keys) {
      int bits = 32 - Integer.numberOfLeadingZeros(keys.length * 2 - 1); // 2^bits >= 2n
      int[] slots = new int[1 << bits];
      int shift = 32 - bits;
      int mask = slots.length - 1;
      for (int i = 0; i < keys.length; i++) {
        int s = slot(keys[i], shift);
        for (int d = 0; slots[s] != 0; d++) {
          if (d == MAX_DISTANCE) {
            return NONE;
          }
          s = (s + 1) & mask;
        }
        slots[s] = i + 1;
      }
      return new KeyIndex(slots, shift);
    }

    private static int slot(String key, int shift) {
      return (key.hashCode() * 0x9E3779B9) >>> shift;
    }

    /**
     * The position of {@code key} in {@code keys} (the array this was built from), or -1. Not for
     * {@link #NONE}.
     */
    int find(String[] keys, String key) {
      int mask = slots.length - 1;
      int s = slot(key, shift);
      for (int d = 0; d <= MAX_DISTANCE; d++, s = (s + 1) & mask) {
        int p = slots[s];
        if (p == 0) {
          return -1;
        }
        String k = keys[p - 1];
        if (k == key || k.equals(key)) {
          return p - 1;
        }
      }
      return -1; // every key is within MAX_DISTANCE of its first slot
    }
  }

  /**
   * The bytes of {@code next}'s canonical encoding held in runs that are the same objects as runs
   * of {@code base}'s (tests); 0 when either has no encoding.
   */
  static int sharedRunBytes(Map<String, ?> base, Map<String, ?> next) {
    if (!(base instanceof FrozenSortedMap<?> a && next instanceof FrozenSortedMap<?> b)) {
      return 0;
    }
    Encoding ea = a.encoding;
    Encoding eb = b.encoding;
    if (ea == null || eb == null) {
      return 0;
    }
    java.util.Set<Encoding> old =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int r = 0; r < ea.runCount(); r++) {
      old.add(ea.run(r));
    }
    int shared = 0;
    for (int r = 0; r < eb.runCount(); r++) {
      if (old.contains(eb.run(r))) {
        shared += eb.run(r).runLength;
      }
    }
    return shared;
  }

  /** Whether lookups in {@code map} go through a hash index (tests). */
  static boolean indexed(Map<String, ?> map) {
    return map instanceof FrozenSortedMap<?> f
        && f.keys.length >= KeyIndex.MIN_KEYS
        && f.keyIndex() != KeyIndex.NONE;
  }

  /** The index of the first of {@code keys[0, count)} not above the one before it, or -1. */
  private static int firstUnsorted(String[] keys, int count) {
    for (int i = 1; i < count; i++) {
      if (compareCodePoints(keys[i - 1], keys[i]) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** The encoding of the empty object, as the base of a map whose members were encoded ahead. */
  private static final Encoding EMPTY_ENCODING = new Encoding(new byte[0], 0, new int[0]);

  /** Whether every change adds a member encoded ahead for its key and value. */
  private static boolean allEncoded(
      String[] keys, Object[] values, EncodedMember[] encoded, int count) {
    if (encoded == null || count == 0) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      EncodedMember m = encoded[i];
      if (m == null || values[i] == null || m.key != keys[i] || m.value != values[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Room for {@code count} changed members: their exact size where encoded ahead, else about the
   * old members' average (a fixed 256 bytes each made the buffer of a snapshot with thousands of
   * changes twice its size, past 1 MiB: a G1 humongous object per publish).
   */
  private static int changedSize(Encoding old, int oldCount, EncodedMember[] encoded, int count) {
    int guess = oldCount == 0 ? 256 : old.length / oldCount + 16;
    long size = 0;
    for (int i = 0; i < count; i++) {
      EncodedMember m = encoded == null ? null : encoded[i];
      size += (m != null ? m.length : guess) + 1;
    }
    return (int) Math.min(Integer.MAX_VALUE - 16, size);
  }

  /**
   * One object member, {@code "key":value}, in canonical JSON, made by a {@link MemberEncoder} for
   * {@link #withChanges(Map, String[], Object[], EncodedMember[], int)}. It remembers the key and
   * value objects it was made from: a map copies its bytes only for those same objects.
   */
  public static final class EncodedMember {
    private final String key;
    private final Object value;
    private final byte[] bytes;
    private final int offset;
    private final int length;

    private EncodedMember(String key, Object value, byte[] bytes, int offset, int length) {
      this.key = key;
      this.value = value;
      this.bytes = bytes;
      this.offset = offset;
      this.length = length;
    }
  }

  /**
   * Encodes members ahead of the maps they go into, appending their bytes to shared chunks of 128
   * KiB (well below the size G1 allocates outside the young generation). Not thread-safe: one per
   * thread.
   */
  public static final class MemberEncoder {
    private static final int CHUNK = 128 * 1024;
    private final JsonWriter scratch = JsonWriter.canonical(512);
    private byte[] chunk;
    private int used;

    /** The canonical bytes of member {@code "key":value}; {@code value} must be immutable. */
    public EncodedMember encode(String key, JsonWritable value) {
      scratch.reset();
      scratch.beginObject();
      scratch.name(key);
      value.writeTo(scratch);
      int n = scratch.size() - 1; // without the '{'
      if (chunk == null || used + n > chunk.length) {
        chunk = new byte[Math.max(CHUNK, n)];
        used = 0;
      }
      System.arraycopy(scratch.buffer(), 1, chunk, used, n);
      EncodedMember m = new EncodedMember(key, value, chunk, used, n);
      used += n;
      return m;
    }
  }

  static <V> SortedMap<String, V> sortedCopy(SortedMap<String, V> map) {
    return sortedMap(map);
  }

  /**
   * An immutable sorted map held as two arrays, keys in {@link #CODE_POINT_ORDER}: compact, and
   * iterated without chasing tree nodes (encoding a large targets role is mostly iteration). Range
   * views ({@link #subMap}, {@link #headMap}, {@link #tailMap}) are those of an unmodifiable
   * TreeMap copy.
   */
  private static final class FrozenSortedMap<V> extends AbstractMap<String, V>
      implements SortedMap<String, V> {
    private final String[] keys;

    /**
     * The values; null in a compact map (decoder not null), whose values are decoded from the
     * encoding.
     */
    private final Object[] values;

    /** The canonical bytes of this map once written with a canonical writer; see writeObject. */
    private volatile Encoding encoding;

    /** Decodes the values a compact map does not hold (see {@link #compact}); else null. */
    private final MemberDecoder<? extends V> decoder;

    /**
     * The index of {@link #keys} once a lookup built it (maps of {@link KeyIndex#MIN_KEYS} keys or
     * more; {@link KeyIndex#NONE} when they crowd the table), or the one of the map whose keys
     * array this one shares. Racy but safe: a thread that sees none builds an equal one.
     */
    private KeyIndex index;

    /** Copies {@code tree}, sorted by {@link #CODE_POINT_ORDER} and never empty. */
    FrozenSortedMap(TreeMap<String, V> tree) {
      decoder = null;
      int n = tree.size();
      keys = new String[n];
      values = new Object[n];
      int i = 0;
      for (Map.Entry<String, V> e : tree.entrySet()) {
        keys[i] = e.getKey();
        values[i] = e.getValue();
        i++;
      }
    }

    /** Takes arrays sorted by {@link #CODE_POINT_ORDER}, without duplicates, never empty. */
    FrozenSortedMap(String[] keys, Object[] values) {
      this(keys, values, null, null);
    }

    /**
     * Takes arrays as above and the map's canonical bytes (may be null when {@code decoder} is);
     * with a decoder, a null value is read from {@code encoding}.
     */
    FrozenSortedMap(
        String[] keys, Object[] values, Encoding encoding, MemberDecoder<? extends V> decoder) {
      this(keys, values, encoding, decoder, null);
    }

    /** As above, with the index of another map over the same {@code keys} array (may be null). */
    FrozenSortedMap(
        String[] keys,
        Object[] values,
        Encoding encoding,
        MemberDecoder<? extends V> decoder,
        KeyIndex index) {
      this.keys = keys;
      this.values = values;
      this.encoding = encoding;
      this.decoder = decoder;
      this.index = index;
    }

    /** The index of the keys, built at the first call. */
    KeyIndex keyIndex() {
      KeyIndex i = index;
      if (i == null) {
        i = KeyIndex.of(keys);
        index = i;
      }
      return i;
    }

    /** The map of one entry. */
    FrozenSortedMap(String key, V value) {
      this(new String[] {key}, new Object[] {value});
    }

    @Override
    public boolean equals(Object o) {
      if (o instanceof FrozenSortedMap<?> other && decoder == null && other.decoder == null) {
        return Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
      }
      return super.equals(o);
    }

    @Override
    public int hashCode() {
      return super.hashCode();
    }

    private int indexOf(Object key) {
      if (!(key instanceof String k)) {
        return -1;
      }
      if (keys.length >= KeyIndex.MIN_KEYS) {
        KeyIndex ix = keyIndex();
        if (ix != KeyIndex.NONE) {
          return ix.find(keys, k);
        }
      }
      int lo = 0;
      int hi = keys.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = compareCodePoints(keys[mid], k);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -1;
    }

    /** Encodes this map, whose values are {@link JsonWritable}, as canonical JSON. */
    private Encoding encode() {
      EncodingBuilder b = new EncodingBuilder(keys.length * 160, keys.length);
      for (int i = 0; i < keys.length; i++) {
        b.encode(keys[i], (JsonWritable) values[i]);
      }
      return b.build();
    }

    @SuppressWarnings("unchecked")
    private V valueAt(int i) {
      return values != null ? (V) values[i] : decodeAt(i);
    }

    /**
     * Member {@code i} of a compact map, decoded from its canonical bytes: {@code "key":value}, the
     * key a string whose only escapes are backslash pairs (canonical JSON escapes just {@code "}
     * and backslash), so its closing quote is the first one not after a backslash.
     */
    private V decodeAt(int i) {
      Encoding e = encoding;
      int r = e.runOf(i);
      Encoding run = e.run(r);
      int j = i - e.first(r);
      int p = run.starts[j] + 1;
      while (run.bytes[p] != '"') {
        p += run.bytes[p] == '\\' ? 2 : 1;
      }
      JsonValue value =
          JsonParser.parseCanonicalRange(run.bytes, p + 2, run.end(j)); // after '"' and ':'
      return Objects.requireNonNull(decoder.decode(keys[i], value), "decoded value");
    }

    /** Every value, the compact ones decoded. */
    private Object[] decodeAll() {
      Object[] out = new Object[keys.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = valueAt(i);
      }
      return out;
    }

    private SortedMap<String, V> tree() {
      return Collections.unmodifiableSortedMap(new TreeMap<>(this));
    }

    @Override
    public Comparator<? super String> comparator() {
      return CODE_POINT_ORDER;
    }

    @Override
    public SortedMap<String, V> subMap(String fromKey, String toKey) {
      return tree().subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<String, V> headMap(String toKey) {
      return tree().headMap(toKey);
    }

    @Override
    public SortedMap<String, V> tailMap(String fromKey) {
      return tree().tailMap(fromKey);
    }

    @Override
    public String firstKey() {
      if (keys.length == 0) {
        throw new NoSuchElementException();
      }
      return keys[0];
    }

    @Override
    public String lastKey() {
      if (keys.length == 0) {
        throw new NoSuchElementException();
      }
      return keys[keys.length - 1];
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, V>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < keys.length;
            }

            @Override
            public Entry<String, V> next() {
              int i = next;
              if (i >= keys.length) {
                throw new NoSuchElementException();
              }
              next = i + 1;
              return new SimpleImmutableEntry<>(keys[i], valueAt(i));
            }
          };
        }

        @Override
        public int size() {
          return keys.length;
        }

        @Override
        public boolean contains(Object o) {
          if (!(o instanceof Entry<?, ?> e)) {
            return false;
          }
          int i = indexOf(e.getKey());
          return i >= 0 && Objects.equals(valueAt(i), e.getValue());
        }
      };
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super V> action) {
      for (int i = 0; i < keys.length; i++) {
        action.accept(keys[i], valueAt(i));
      }
    }

    @Override
    public V get(Object key) {
      int i = indexOf(key);
      return i >= 0 ? valueAt(i) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public int size() {
      return keys.length;
    }
  }
}
