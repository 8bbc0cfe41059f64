package dev.tufrepo.keyvault;

import dev.tufrepo.model.Key;
import dev.tufrepo.model.KeyFormatException;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Signer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves RSTUF's {@code fn:<file>} key URIs: {@code <file>} is an unencrypted PEM private key
 * (PKCS#8 {@code PRIVATE KEY}, SEC 1 {@code EC PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}) in
 * the key directory, RSTUF's {@code ONLINE_KEY_DIR}. The RSTUF CLI names the file after the keyid,
 * so its URIs read {@code fn:<keyid>}.
 *
 * <p>{@code <file>} is a name or a relative path inside the key directory. Absolute paths, {@code
 * ..} and anything whose real path (symbolic links followed) lies outside the directory are
 * refused. A key is read once per (URI, keyid): the signer handed out is a {@link PooledSigner} of
 * {@link PrivateKeySigner}s, each parsed from the PEM text read then, which the pool keeps in
 * memory to make new instances. Thread-safe. {@link #close()} closes every pool.
 */
public final class FileKeyVault implements KeyVault {
  /** The URI scheme served, with its colon. */
  public static final String SCHEME = "fn:";

  private static final System.Logger LOG = System.getLogger(FileKeyVault.class.getName());

  private final Path keyDir;
  private final int poolSize;
  private final Duration borrowTimeout;
  private final Map<CacheKey, PooledSigner> signers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private FileKeyVault(Builder b) {
    this.keyDir = realDirectory(b.keyDir);
    this.poolSize = b.poolSize;
    this.borrowTimeout = b.borrowTimeout;
  }

  /**
   * A vault over {@code keyDir} with the default pool size and borrow timeout.
   *
   * @throws KeyVaultException if {@code keyDir} is not a readable directory
   */
  public static FileKeyVault of(Path keyDir) {
    return builder(keyDir).build();
  }

  public static Builder builder(Path keyDir) {
    return new Builder(keyDir);
  }

  /** The key directory, as a real path. */
  public Path keyDir() {
    return keyDir;
  }

  @Override
  public boolean supports(String uri) {
    return uri != null && uri.startsWith(SCHEME);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The first call for a (URI, keyid) reads and checks the file; later calls return the same
   * signer without reading it again.
   */
  @Override
  public Signer signer(String uri, Key publicKey) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(publicKey, "publicKey");
    if (!supports(uri)) {
      throw new KeyVaultException(
          message(uri, "not an " + SCHEME + " URI; this vault serves only " + SCHEME + "<file>"));
    }
    ensureOpen(uri);
    CacheKey cacheKey = new CacheKey(uri, publicKey.keyId());
    PooledSigner signer = signers.get(cacheKey);
    if (signer != null) {
      return signer;
    }
    PooledSigner loaded = load(uri, cacheKey.keyid());
    PooledSigner raced = signers.putIfAbsent(cacheKey, loaded);
    if (raced != null) {
      loaded.close();
      return raced;
    }
    if (closed) { // close() ran while this key was loading: do not leak its pool
      signers.remove(cacheKey, loaded);
      loaded.close();
      ensureOpen(uri);
    }
    return loaded;
  }

  private PooledSigner load(String uri, String keyid) {
    Path file = resolve(uri);
    String pem = KeyFiles.readPem(file, uri);
    PrivateKeySigner parsed = parse(pem, uri);
    if (!parsed.keyId().equals(keyid)) {
      throw new KeyVaultException(
          message(
              uri,
              String.format(
                  Locale.ROOT,
                  "the file holds the private key of keyid %s, not of the requested keyid %s",
                  parsed.keyId(),
                  keyid)));
    }
    LOG.log(
        Level.DEBUG,
        () -> "loaded " + uri + " (" + parsed.scheme().scheme() + ", keyid " + keyid + ")");
    return PooledSigner.builder(() -> parse(pem, uri))
        .name(uri)
        .size(poolSize)
        .borrowTimeout(borrowTimeout)
        .build();
  }

  /** The real path of the file {@code uri} names, checked to be inside the key directory. */
  private Path resolve(String uri) {
    Path file = keyDir.resolve(relativePath(uri)).normalize();
    if (!file.startsWith(keyDir) || file.equals(keyDir)) {
      throw new KeyVaultException(message(uri, "does not name a file inside the key directory"));
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new KeyVaultException(message(uri, "no such file in the key directory " + keyDir), e);
    } catch (IOException e) {
      throw new KeyVaultException(message(uri, "cannot resolve the file: " + ioReason(e)), e);
    }
    if (!real.startsWith(keyDir)) {
      throw new KeyVaultException(
          message(uri, "resolves outside the key directory " + keyDir + " (symbolic link)"));
    }
    if (!Files.isRegularFile(real)) {
      throw new KeyVaultException(message(uri, "the path is not a regular file"));
    }
    return real;
  }

  /** The part after {@code fn:} as a relative path without {@code ..}. */
  private Path relativePath(String uri) {
    String name = uri.substring(SCHEME.length());
    if (name.isEmpty()) {
      throw new KeyVaultException(message(uri, "names no file"));
    }
    Path relative;
    try {
      relative = keyDir.getFileSystem().getPath(name);
    } catch (InvalidPathException e) {
      throw new KeyVaultException(message(uri, "is not a valid file name"), e);
    }
    if (relative.isAbsolute() || relative.getRoot() != null) {
      throw new KeyVaultException(
          message(uri, "absolute paths are not allowed; name a file inside the key directory"));
    }
    for (Path element : relative) {
      if (element.toString().equals("..")) {
        throw new KeyVaultException(message(uri, "'..' is not allowed in the file name"));
      }
    }
    return relative;
  }

  private static PrivateKeySigner parse(String pem, String uri) {
    try {
      return PrivateKeySigner.fromPem(pem);
    } catch (KeyFormatException e) {
      throw new KeyVaultException(
          message(uri, "the file is not a usable private key: " + e.getMessage()), e);
    } catch (RuntimeException e) {
      throw new KeyVaultException(
          message(uri, "the file is not a usable private key: malformed"), e);
    }
  }

  private void ensureOpen(String uri) {
    if (closed) {
      throw new KeyVaultException(message(uri, "the key vault is closed"));
    }
  }

  static String message(String uri, String reason) {
    return String.format(Locale.ROOT, "key URI \"%s\": %s", uri, reason);
  }

  static String ioReason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  private static Path realDirectory(Path dir) {
    Objects.requireNonNull(dir, "keyDir");
    try {
      Path real = dir.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new KeyVaultException("key directory " + dir + " is not a directory");
      }
      return real;
    } catch (NoSuchFileException e) {
      throw new KeyVaultException("key directory " + dir + " does not exist", e);
    } catch (IOException e) {
      throw new KeyVaultException("key directory " + dir + ": " + ioReason(e), e);
    }
  }

  /** Closes the pools of all signers handed out; later calls fail. */
  @Override
  public void close() {
    closed = true;
    for (PooledSigner s : signers.values()) {
      s.close();
    }
    signers.clear();
  }

  @Override
  public String toString() {
    return "FileKeyVault{" + keyDir + ", pool size " + poolSize + "}";
  }

  private record CacheKey(String uri, String keyid) {}

  /** Options of a {@link FileKeyVault}. */
  public static final class Builder {
    private final Path keyDir;
    private int poolSize = Runtime.getRuntime().availableProcessors();
    private Duration borrowTimeout = PooledSigner.DEFAULT_BORROW_TIMEOUT;

    Builder(Path keyDir) {
      this.keyDir = Objects.requireNonNull(keyDir, "keyDir");
    }

    /** Signer instances per key, so signatures made at once; by default the processor count. */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("pool size must be at least 1, not " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    /** How long a signature waits for a free signer instance; 30 s by default. */
    public Builder borrowTimeout(Duration borrowTimeout) {
      Objects.requireNonNull(borrowTimeout, "borrowTimeout");
      if (borrowTimeout.isNegative()) {
        throw new IllegalArgumentException("borrow timeout must not be negative");
      }
      this.borrowTimeout = borrowTimeout;
      return this;
    }

    /**
     * @throws KeyVaultException if the key directory is not a readable directory
     */
    public FileKeyVault build() {
      return new FileKeyVault(this);
    }
  }
}
