package dev.tufrepo.keyvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PooledSignerTest {
  private static final byte[] MESSAGE = {'{', '}'};

  /** A signer that fails if two threads use it at once, like an HSM session. */
  private static final class SingleThreadedSigner implements Signer {
    private final AtomicBoolean inUse = new AtomicBoolean();
    private final int id;

    SingleThreadedSigner(int id) {
      this.id = id;
    }

    @Override
    public Signature sign(byte[] message) {
      if (!inUse.compareAndSet(false, true)) {
        throw new IllegalStateException("signer " + id + " used by two threads at once");
      }
      try {
        Thread.onSpinWait();
        return new Signature("key" + id, new byte[] {(byte) id});
      } finally {
        inUse.set(false);
      }
    }
  }

  @Test
  void sign_from8Threads_neverSharesAnInstanceAndMakesAtMostPoolSize() throws Exception {
    AtomicInteger made = new AtomicInteger();
    try (PooledSigner signer =
        PooledSigner.builder(() -> new SingleThreadedSigner(made.incrementAndGet()))
            .size(3)
            .build()) {
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          results.add(
              threads.submit(
                  () -> {
                    for (int i = 0; i < 2_000; i++) {
                      signer.sign(MESSAGE);
                    }
                  }));
        }
        for (Future<?> r : results) {
          r.get(60, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }
      assertTrue(made.get() <= 3, "made " + made.get() + " instances for a pool of 3");
      assertEquals(made.get(), signer.instances());
    }
  }

  @Test
  void signRange_passesTheRangeToTheInstance_andChecksItBeforeBorrowing() {
    List<String> calls = new ArrayList<>();
    Signer ranged =
        new Signer() {
          @Override
          public Signature sign(byte[] message) {
            calls.add("whole " + message.length);
            return new Signature("k", new byte[] {1});
          }

          @Override
          public Signature sign(byte[] message, int offset, int length) {
            calls.add("range " + offset + "+" + length);
            return new Signature("k", new byte[] {2});
          }
        };
    AtomicInteger made = new AtomicInteger();
    try (PooledSigner signer =
        PooledSigner.builder(
                () -> {
                  made.incrementAndGet();
                  return ranged;
                })
            .build()) {
      assertEquals(new Signature("k", new byte[] {2}), signer.sign(new byte[10], 2, 5));
      assertEquals(new Signature("k", new byte[] {2}), signer.sign(new byte[4]));
      assertThrows(IndexOutOfBoundsException.class, () -> signer.sign(new byte[4], 2, 5));
    }
    assertEquals(List.of("range 2+5", "range 0+4"), calls);
    assertEquals(1, made.get(), "one instance served every call");
  }

  @Test
  void signAll_usesOneInstanceForTheBatch_andItsSignAll() {
    List<String> calls = new ArrayList<>();
    Signer batching =
        new Signer() {
          @Override
          public Signature sign(byte[] message) {
            calls.add("one");
            return new Signature("k", new byte[] {1});
          }

          @Override
          public List<Signature> signAll(byte[][] messages, int[] lengths) {
            calls.add("all " + java.util.Arrays.toString(lengths));
            List<Signature> out = new ArrayList<>();
            for (int length : lengths) {
              out.add(new Signature("k", new byte[] {(byte) length}));
            }
            return out;
          }
        };
    AtomicInteger made = new AtomicInteger();
    try (PooledSigner signer =
        PooledSigner.builder(
                () -> {
                  made.incrementAndGet();
                  return batching;
                })
            .build()) {
      byte[][] messages = {new byte[3], new byte[5], new byte[7]};
      assertEquals(
          List.of(
              new Signature("k", new byte[] {3}),
              new Signature("k", new byte[] {4}),
              new Signature("k", new byte[] {7})),
          signer.signAll(messages, new int[] {3, 4, 7}));
      assertThrows(
          IndexOutOfBoundsException.class, () -> signer.signAll(messages, new int[] {3, 6, 7}));
      assertThrows(IllegalArgumentException.class, () -> signer.signAll(messages, new int[2]));
    }
    assertEquals(List.of("all [3, 4, 7]"), calls, "bad arguments reach no instance");
    assertEquals(1, made.get());
  }

  @Test
  void signAll_instanceReturningTooFewSignatures_failsAndIsReplaced() {
    AtomicInteger made = new AtomicInteger();
    try (PooledSigner signer =
        PooledSigner.builder(
                () -> {
                  made.incrementAndGet();
                  return new Signer() {
                    @Override
                    public Signature sign(byte[] message) {
                      return new Signature("k", new byte[] {1});
                    }

                    @Override
                    public List<Signature> signAll(byte[][] messages, int[] lengths) {
                      return List.of(sign(messages[0]));
                    }
                  };
                })
            .name("fn:short")
            .size(1)
            .build()) {
      KeyVaultException e =
          assertThrows(
              KeyVaultException.class,
              () -> signer.signAll(new byte[][] {MESSAGE, MESSAGE}, new int[] {2, 2}));
      assertEquals("fn:short: the signer returned 1 signatures for 2 messages", e.getMessage());
      assertEquals(0, signer.instances(), "the instance is destroyed");
      assertEquals(1, signer.signAll(new byte[][] {MESSAGE}, new int[] {2}).size());
      assertEquals(2, made.get());
    }
  }

  @Test
  void signAll_defaultOfASigner_signsEachRangeInTurn() {
    List<String> calls = new ArrayList<>();
    Signer ranged =
        new Signer() {
          @Override
          public Signature sign(byte[] message) {
            throw new AssertionError("the range form is used");
          }

          @Override
          public Signature sign(byte[] message, int offset, int length) {
            calls.add(offset + "+" + length);
            return new Signature("k", new byte[] {(byte) length});
          }
        };
    assertEquals(
        List.of(new Signature("k", new byte[] {1}), new Signature("k", new byte[] {0})),
        ranged.signAll(new byte[][] {new byte[2], new byte[2]}, new int[] {1, 0}));
    assertEquals(List.of("0+1", "0+0"), calls);
    assertThrows(
        IllegalArgumentException.class,
        () -> ranged.signAll(new byte[][] {new byte[2]}, new int[] {1, 1}));
  }

  @Test
  void sign_noFreeInstanceWithinTheTimeout_failsWithKeyVaultException() throws Exception {
    CountDownLatch signing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Signer blocking =
        message -> {
          signing.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new Signature("k", new byte[] {1});
        };
    try (PooledSigner signer =
        PooledSigner.builder(() -> blocking)
            .name("fn:slow")
            .size(1)
            .borrowTimeout(Duration.ofMillis(100))
            .build()) {
      ExecutorService holder = Executors.newSingleThreadExecutor();
      try {
        Future<Signature> held = holder.submit(() -> signer.sign(MESSAGE));
        assertTrue(signing.await(10, TimeUnit.SECONDS));

        long start = System.nanoTime();
        KeyVaultException e = assertThrows(KeyVaultException.class, () -> signer.sign(MESSAGE));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(e.getMessage().contains("fn:slow"), e.getMessage());
        assertTrue(e.getMessage().contains("no free signer after waiting 100 ms"), e.getMessage());
        assertTrue(waitedMs >= 90, "waited only " + waitedMs + " ms");
        release.countDown();
        assertEquals("k", held.get(10, TimeUnit.SECONDS).keyid());
      } finally {
        release.countDown();
        holder.shutdownNow();
      }
    }
  }

  @Test
  void sign_instanceThatThrew_isReplacedByAFreshOne() {
    AtomicInteger made = new AtomicInteger();
    List<Signer> instances = new ArrayList<>();
    try (PooledSigner signer =
        PooledSigner.builder(
                () -> {
                  int id = made.incrementAndGet();
                  Signer s =
                      message -> {
                        if (id == 1) {
                          throw new KeyVaultException("session " + id + " lost");
                        }
                        return new Signature("key" + id, new byte[] {1});
                      };
                  instances.add(s);
                  return s;
                })
            .size(1)
            .build()) {
      KeyVaultException e = assertThrows(KeyVaultException.class, () -> signer.sign(MESSAGE));
      assertEquals("session 1 lost", e.getMessage(), "TufExceptions pass through unchanged");
      assertEquals(0, signer.instances(), "the failed instance is destroyed");

      assertEquals("key2", signer.sign(MESSAGE).keyid());
      assertEquals("key2", signer.sign(MESSAGE).keyid());
      assertEquals(2, made.get());
    }
  }

  @Test
  void sign_nonTufRuntimeException_isWrappedInKeyVaultException() {
    IllegalStateException boom = new IllegalStateException("device error");
    try (PooledSigner signer =
        PooledSigner.builder(
                () ->
                    message -> {
                      throw boom;
                    })
            .name("pkcs11:object=online")
            .size(1)
            .build()) {
      KeyVaultException e = assertThrows(KeyVaultException.class, () -> signer.sign(MESSAGE));
      assertSame(boom, e.getCause());
      assertTrue(e.getMessage().startsWith("pkcs11:object=online: signing failed"));
    }
  }

  @Test
  void sign_factoryThatFails_givesKeyVaultException() {
    try (PooledSigner keyVaultFailure =
            PooledSigner.builder(
                    () -> {
                      throw new KeyVaultException("fn:x: no such file");
                    })
                .build();
        PooledSigner otherFailure =
            PooledSigner.builder(
                    () -> {
                      throw new IllegalArgumentException("bad slot");
                    })
                .name("pkcs11:slot=9")
                .build();
        PooledSigner nullFactory = PooledSigner.builder(() -> null).name("fn:null").build()) {
      assertEquals(
          "fn:x: no such file",
          assertThrows(KeyVaultException.class, () -> keyVaultFailure.sign(MESSAGE)).getMessage());

      KeyVaultException e = assertThrows(KeyVaultException.class, () -> otherFailure.sign(MESSAGE));
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertTrue(e.getMessage().contains("pkcs11:slot=9: cannot make a signer"), e.getMessage());

      assertTrue(
          assertThrows(KeyVaultException.class, () -> nullFactory.sign(MESSAGE))
              .getMessage()
              .contains("returned null"));
    }
  }

  @Test
  void sign_factoryReturningTheSameInstanceTwice_doesNotCorruptThePool() throws Exception {
    Signature fixed = new Signature("k", new byte[] {1});
    Signer shared = message -> fixed;
    try (PooledSigner signer = PooledSigner.builder(() -> shared).size(4).build()) {
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          results.add(
              threads.submit(
                  () -> {
                    for (int i = 0; i < 5_000; i++) {
                      assertSame(fixed, signer.sign(MESSAGE));
                    }
                  }));
        }
        for (Future<?> r : results) {
          r.get(60, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void sign_afterClose_failsWithKeyVaultException() {
    PooledSigner signer =
        PooledSigner.builder(() -> message -> new Signature("k", new byte[] {1})).build();
    signer.sign(MESSAGE);
    signer.close();
    KeyVaultException e = assertThrows(KeyVaultException.class, () -> signer.sign(MESSAGE));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void builder_invalidOptions_areRejected() {
    PooledSigner.Builder b = PooledSigner.builder(() -> message -> null);
    assertThrows(IllegalArgumentException.class, () -> b.size(0));
    assertThrows(IllegalArgumentException.class, () -> b.borrowTimeout(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> PooledSigner.builder(null));
  }
}
