package dev.tufrepo.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where published TUF metadata lives: flat files at the storage root, exactly as clients fetch them
 * ({@code 1.root.json}, {@code 7.bins-0a.json}, {@code 12.snapshot.json}, {@code timestamp.json}).
 *
 * <p>A versioned file is written once: the engine never writes a versioned name that a published
 * {@code timestamp.json} can reach. It may write again a versioned name whose earlier write was
 * never made visible (a publish that crashed before its timestamp); implementations must then
 * replace it. {@code timestamp.json} is replaced atomically: a reader sees the old or the new
 * bytes, never a mix.
 *
 * <p>The store does not track versions: the engine knows them from its {@link StateStore} and from
 * the published snapshot, so no operation on the publish path lists the storage.
 *
 * <p>File names match {@code [A-Za-z0-9][A-Za-z0-9._-]*}; anything else (a {@code /}, {@code ..})
 * is refused with {@link IllegalArgumentException}. Implementations are thread-safe.
 */
public interface MetadataStore extends AutoCloseable {
  /** The one unversioned file. */
  String TIMESTAMP = "timestamp.json";

  /**
   * Writes a group of versioned files; all of them are durable when this returns. Implementations
   * should make one durability barrier for the whole group, not one per file.
   *
   * @throws StorageException if any file could not be written (some may have been)
   */
  void writeVersioned(Map<String, byte[]> files);

  /**
   * Starts a group of versioned files that are handed over one by one, from any number of threads,
   * and made durable together by {@link WriteGroup#commit()}: the streaming form of {@link
   * #writeVersioned}, so a publish can write each file while it signs the next ones. The default
   * collects the files and calls {@link #writeVersioned} on commit; a backend may start writing at
   * {@link WriteGroup#add}.
   */
  default WriteGroup beginWrite() {
    return new WriteGroup() {
      private final Map<String, byte[]> files = new java.util.LinkedHashMap<>();

      @Override
      public synchronized void add(String name, byte[] bytes) {
        checkName(name);
        files.put(name, java.util.Objects.requireNonNull(bytes, () -> "bytes of " + name));
      }

      @Override
      public synchronized void commit() {
        if (!files.isEmpty()) {
          writeVersioned(files);
        }
      }
    };
  }

  /**
   * A group of versioned files being written (see {@link #beginWrite()}). {@link #add} is
   * thread-safe. An added file may be readable before {@link #commit()}, which is why only
   * versioned names no published {@code timestamp.json} reaches are ever added; every added file is
   * durable when {@code commit} returns, after one durability barrier for the group. Closing a
   * group waits for the writes it started; files it wrote stay, invisible to clients, and are
   * replaced when the name is written again.
   */
  interface WriteGroup extends AutoCloseable {
    /**
     * Adds versioned file {@code name}; the caller does not change {@code bytes} afterwards.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid metadata file name
     */
    void add(String name, byte[] bytes);

    /**
     * Waits until every added file is written and durable.
     *
     * @throws StorageException if any file could not be written (some may have been)
     */
    void commit();

    @Override
    default void close() {}
  }

  /** Atomically replaces {@code timestamp.json}; durable when this returns. */
  void writeTimestamp(byte[] bytes);

  /** The bytes of file {@code name}, or empty if there is no such file. */
  Optional<byte[]> read(String name);

  /** Every file name in the store. For retention and checks only, never on the publish path. */
  List<String> list();

  /** Deletes file {@code name} if it exists (retention of old consistent snapshots). */
  void delete(String name);

  @Override
  default void close() {}

  /** Checks a metadata file name; returns it. */
  static String checkName(String name) {
    if (name == null || name.isEmpty() || name.length() > 255) {
      throw new IllegalArgumentException("invalid metadata file name: empty or too long");
    }
    char first = name.charAt(0);
    if (!Character.isLetterOrDigit(first) || first > 0x7f) {
      throw new IllegalArgumentException("invalid metadata file name \"" + name + "\"");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        throw new IllegalArgumentException("invalid metadata file name \"" + name + "\"");
      }
    }
    if (name.contains("..")) {
      throw new IllegalArgumentException("invalid metadata file name \"" + name + "\"");
    }
    return name;
  }
}
