package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.PublishVerificationException;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.Delegations;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signer;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.internal.Hex;
import dev.tufrepo.model.internal.PublicKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs bins and verifies new signatures the way a client verifies a bin: with the keys and
 * threshold of the succinct delegation in targets. With {@code verifyAll} every signature is
 * verified; otherwise a sample is: the first bin signed in the publish and then every {@value
 * #SAMPLE}th. A signer with the wrong key, or one that corrupts its output, fails on the first bin;
 * verifying all of them costs twice the signing (about 105 us for an 8 kB bin against 46 us to
 * sign). The canonical bytes are encoded once, into a reused buffer, and serve the signature, the
 * check and the file in place; the delegated keys are parsed once per publish. Thread-safe.
 */
final class BinSigning {
  /** Without {@code verifyAll}, one signature in this many is verified. */
  static final int SAMPLE = 64;

  /**
   * How many bins a signing thread signs in one call: the lanes of AVX-512 vectors of 64-bit words,
   * in which an Ed25519 key's SHA-512 passes run side by side (two groups of four with AVX2).
   */
  static final int GROUP = 8;

  private final Signer signer;
  private final boolean verifyAll;
  private final boolean checks;
  private final java.util.concurrent.atomic.AtomicLong signed =
      new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, PublicKeys.Verifier> verifiers = new HashMap<>();
  private final int threshold;

  /**
   * Writers whose buffers have grown to a bin's size, reused by the bins signed after: encoding
   * into a new writer, then copying its bytes out to sign them and again into the file, made three
   * arrays of each bin's size, about half of what the signing threads allocated under REST load. At
   * most {@link #GROUP} per signing thread; they go with this object when the publish ends.
   */
  private final java.util.Queue<JsonWriter> writers =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  BinSigning(RepoState state, Signer signer, boolean verifyAll) {
    this.signer = signer;
    this.verifyAll = verifyAll;
    Delegations d = state.targets().metadata().signed().delegations();
    SuccinctRoles bins = d.succinctRoles();
    // custom delegated roles (no succinct bins) are checked whole by ClientCheck.checkBin
    this.checks = bins != null;
    this.threshold = bins == null ? 1 : bins.threshold();
    if (bins != null) {
      for (String keyid : bins.keyids()) {
        Key key = d.keys().get(keyid);
        if (key != null) {
          verifiers.put(keyid, key.verifier());
        }
      }
    }
  }

  SignedFile<Targets> sign(String bin, Targets t) {
    return signAll(List.of(bin), List.of(t)).get(0);
  }

  /**
   * Signs the bins together, in one {@link Signer#signAll} call: an Ed25519 key in memory hashes up
   * to {@link #GROUP} of them at once, so the callers pass that many, of similar sizes.
   */
  List<SignedFile<Targets>> signAll(List<String> bins, List<Targets> ts) {
    int n = bins.size();
    JsonWriter[] ws = new JsonWriter[n];
    byte[][] canonical = new byte[n][];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      JsonWriter w = writers.poll();
      Targets t = ts.get(i);
      if (w == null) {
        // the bin's other members take well under 1 kB; the targets' bytes are usually kept
        int targetsLength = Json.encodedLength(t.targets());
        w =
            JsonWriter.canonical(
                1024 + (targetsLength >= 0 ? targetsLength : t.targets().size() * 256));
      }
      t.writeTo(w);
      ws[i] = w;
      canonical[i] = w.buffer(); // signed, checked and copied into the file in place
      lengths[i] = w.size();
    }
    List<Signature> sigs = signer.signAll(canonical, lengths);
    if (sigs.size() != n) {
      throw new PublishVerificationException(
          String.format(
              java.util.Locale.ROOT,
              "%s: the online signer returned %d signatures for %d bins",
              bins.get(0),
              sigs.size(),
              n));
    }
    List<SignedFile<Targets>> files = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Signature sig = sigs.get(i);
      check(bins.get(i), canonical[i], lengths[i], sig);
      Metadata<Targets> md = new Metadata<>(ts.get(i), List.of(sig), Map.of());
      files.add(new SignedFile<>(md, SignedFile.fileBytes(md, canonical[i], 0, lengths[i])));
      ws[i].reset();
      writers.offer(ws[i]);
    }
    return files;
  }

  private void check(String bin, byte[] canonical, int length, Signature sig) {
    boolean sampled = verifyAll || signed.getAndIncrement() % SAMPLE == 0;
    if (checks && (sampled || threshold > 1 || !verifiers.containsKey(sig.keyid()))) {
      boolean ok = sampled && verifiers.containsKey(sig.keyid()) && valid(canonical, length, sig);
      if (!ok || threshold > 1) {
        throw new PublishVerificationException(
            String.format(
                java.util.Locale.ROOT,
                "%s: %d of the %d required signatures are valid",
                bin,
                ok ? 1 : 0,
                threshold));
      }
    }
  }

  private boolean valid(byte[] canonical, int length, Signature sig) {
    try {
      return verifiers.get(sig.keyid()).verify(canonical, 0, length, Hex.decode(sig.sig()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
