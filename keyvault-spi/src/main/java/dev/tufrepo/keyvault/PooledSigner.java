package dev.tufrepo.keyvault;

import dev.tufrepo.TufException;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import java.time.Duration;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * A thread-safe {@link Signer} over a pool of signer instances that need not be thread-safe, such
 * as one HSM session each: every {@link #sign} borrows an instance, signs and returns it, so up to
 * {@link Builder#size(int) size} signatures are made in parallel.
 *
 * <p>Instances are made by the factory when first needed and kept for the life of the pool; there
 * is no evictor thread and no JMX registration. An instance whose {@code sign} threw is destroyed,
 * and the next borrower gets a fresh one. A caller that finds no free instance within the borrow
 * timeout gets a {@link KeyVaultException}.
 */
public final class PooledSigner implements Signer, AutoCloseable {
  /** How long {@link #sign} waits for a free instance unless told otherwise. */
  public static final Duration DEFAULT_BORROW_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final int size;
  private final Duration borrowTimeout;
  private final GenericObjectPool<Slot> pool;

  private PooledSigner(Builder b) {
    this.name = b.name;
    this.size = b.size;
    this.borrowTimeout = b.borrowTimeout;
    GenericObjectPoolConfig<Slot> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(size);
    config.setMaxIdle(size); // the default of 8 would destroy and re-create instances beyond 8
    config.setMinIdle(0);
    config.setBlockWhenExhausted(true);
    config.setMaxWait(borrowTimeout);
    config.setJmxEnabled(false);
    config.setTestOnBorrow(false);
    config.setTestOnReturn(false);
    this.pool = new GenericObjectPool<>(new Factory(b.factory, name), config);
  }

  /**
   * A builder for a pool of instances made by {@code factory}, which is called once per instance,
   * from the signing thread that needs it, and should return a new instance each time.
   */
  public static Builder builder(Supplier<? extends Signer> factory) {
    return new Builder(factory);
  }

  /**
   * Signs {@code message} with a borrowed instance.
   *
   * @throws KeyVaultException if no instance is free within the borrow timeout, the pool is closed,
   *     an instance cannot be made, or signing fails with an exception that is not a {@link
   *     TufException} (those are passed on as they are)
   */
  @Override
  public Signature sign(byte[] message) {
    return sign(message, 0, message.length);
  }

  /**
   * Signs {@code message[offset, offset+length)} with a borrowed instance, which reads the range in
   * place if it can.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code message} (nothing is
   *     borrowed)
   * @throws KeyVaultException as {@link #sign(byte[])}
   */
  @Override
  public Signature sign(byte[] message, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, message.length);
    return withInstance(s -> s.sign(message, offset, length));
  }

  /**
   * Signs each {@code messages[i][0, lengths[i])} with one borrowed instance, through its {@link
   * Signer#signAll}: an Ed25519 key in memory hashes several messages at once.
   *
   * @throws IllegalArgumentException if the two arrays differ in length (nothing is borrowed)
   * @throws IndexOutOfBoundsException if a length is out of its message's range (nothing is
   *     borrowed)
   * @throws KeyVaultException as {@link #sign(byte[])}
   */
  @Override
  public java.util.List<Signature> signAll(byte[][] messages, int[] lengths) {
    if (messages.length != lengths.length) {
      throw new IllegalArgumentException(
          messages.length + " messages but " + lengths.length + " lengths");
    }
    for (int i = 0; i < messages.length; i++) {
      java.util.Objects.checkFromIndexSize(0, lengths[i], messages[i].length);
    }
    return withInstance(
        s -> {
          java.util.List<Signature> signatures = s.signAll(messages, lengths);
          if (signatures.size() != messages.length) {
            throw new KeyVaultException(
                describe(
                    String.format(
                        Locale.ROOT,
                        "the signer returned %d signatures for %d messages",
                        signatures.size(),
                        messages.length)));
          }
          return signatures;
        });
  }

  /**
   * Runs {@code signing} with a borrowed instance and returns it to the pool, or destroys it when
   * {@code signing} threw; failures other than {@link TufException}s are wrapped.
   */
  private <T> T withInstance(java.util.function.Function<Signer, T> signing) {
    Slot slot = borrow();
    boolean ok = false;
    try {
      T result = signing.apply(slot.signer());
      ok = true;
      return result;
    } catch (TufException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new KeyVaultException(describe("signing failed"), e);
    } finally {
      if (ok) {
        pool.returnObject(slot);
      } else {
        invalidate(slot);
      }
    }
  }

  private Slot borrow() {
    if (pool.isClosed()) {
      throw new KeyVaultException(describe("the signer is closed"));
    }
    try {
      return pool.borrowObject(borrowTimeout);
    } catch (NoSuchElementException e) {
      throw new KeyVaultException(
          describe(
              String.format(
                  Locale.ROOT,
                  "no free signer after waiting %s ms (pool size %d)",
                  borrowTimeout.toMillis(),
                  size)),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeyVaultException(describe("interrupted while waiting for a free signer"), e);
    } catch (TufException e) {
      throw e;
    } catch (IllegalStateException e) {
      if (pool.isClosed()) {
        throw new KeyVaultException(describe("the signer is closed"), e);
      }
      throw new KeyVaultException(describe("cannot make a signer"), e);
    } catch (Exception e) {
      throw new KeyVaultException(describe("cannot make a signer"), e);
    }
  }

  private void invalidate(Slot slot) {
    try {
      pool.invalidateObject(slot);
    } catch (Exception e) {
      // The instance is already out of the pool's accounting or the pool is closed: nothing to do.
    }
  }

  private String describe(String reason) {
    return String.format(Locale.ROOT, "%s: %s", name, reason);
  }

  /** The largest number of instances, and so of signatures made at the same time. */
  public int size() {
    return size;
  }

  /** Instances currently made (borrowed or idle). */
  public int instances() {
    return pool.getNumActive() + pool.getNumIdle();
  }

  /** Closes the pool; later {@link #sign} calls fail. Borrowed instances are dropped on return. */
  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "PooledSigner{" + name + ", size=" + size + "}";
  }

  /** Options of a {@link PooledSigner}. */
  public static final class Builder {
    private final Supplier<? extends Signer> factory;
    private String name = "pooled signer";
    private int size = Runtime.getRuntime().availableProcessors();
    private Duration borrowTimeout = DEFAULT_BORROW_TIMEOUT;

    Builder(Supplier<? extends Signer> factory) {
      this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** What error messages call this signer, for example its key URI. Never key material. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The largest number of instances; by default the number of processors. */
    public Builder size(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("pool size must be at least 1, not " + size);
      }
      this.size = size;
      return this;
    }

    /** How long {@link PooledSigner#sign} waits for a free instance; 30 s by default. */
    public Builder borrowTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("borrow timeout must not be negative: " + timeout);
      }
      this.borrowTimeout = timeout;
      return this;
    }

    public PooledSigner build() {
      return new PooledSigner(this);
    }
  }

  /**
   * One pooled instance. The pool tracks its objects by identity, so each instance gets its own
   * slot: a factory that hands out the same signer twice cannot corrupt the pool's accounting.
   */
  private static final class Slot {
    private final Signer signer;

    Slot(Signer signer) {
      this.signer = signer;
    }

    Signer signer() {
      return signer;
    }
  }

  /** Makes instances with the supplier; refuses a supplier that returns null. */
  private static final class Factory extends BasePooledObjectFactory<Slot> {
    private final Supplier<? extends Signer> supplier;
    private final String name;

    Factory(Supplier<? extends Signer> supplier, String name) {
      this.supplier = supplier;
      this.name = name;
    }

    @Override
    public Slot create() {
      Signer s = supplier.get();
      if (s == null) {
        throw new KeyVaultException(name + ": the signer factory returned null");
      }
      return new Slot(s);
    }

    @Override
    public PooledObject<Slot> wrap(Slot slot) {
      return new DefaultPooledObject<>(slot);
    }
  }
}
