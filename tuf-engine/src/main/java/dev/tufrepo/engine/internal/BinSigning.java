package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.PublishVerificationException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs bins and, when asked, verifies each new signature the way a client verifies a bin: with the
 * keys and threshold of the succinct delegation in targets. The canonical bytes are encoded once
 * and serve the signature, the check and the file; the delegated keys are parsed once per publish.
 * Thread-safe.
 */
final class BinSigning {
  private final Signer signer;
  private final boolean verify;
  private final Map<String, PublicKeys.Verifier> verifiers = new HashMap<>();
  private final int threshold;

  BinSigning(RepoState state, Signer signer, boolean verify) {
    this.signer = signer;
    Delegations d = state.targets().metadata().signed().delegations();
    SuccinctRoles bins = d.succinctRoles();
    this.verify = verify && bins != null;
    // custom delegated roles (no succinct bins) are checked whole by ClientCheck.checkBin
    this.threshold = bins == null ? 1 : bins.threshold();
    if (verify && bins != null) {
      for (String keyid : bins.keyids()) {
        Key key = d.keys().get(keyid);
        if (key != null) {
          verifiers.put(keyid, key.verifier());
        }
      }
    }
  }

  SignedFile<Targets> sign(String bin, Targets t) {
    JsonWriter w = JsonWriter.canonical(512 + t.targets().size() * 256);
    t.writeTo(w);
    byte[] canonical = w.toByteArray();
    Signature sig = signer.sign(canonical);
    if (verify) {
      PublicKeys.Verifier v = verifiers.get(sig.keyid());
      boolean ok;
      try {
        ok = v != null && v.verify(canonical, 0, canonical.length, Hex.decode(sig.sig()));
      } catch (IllegalArgumentException e) {
        ok = false;
      }
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
    Metadata<Targets> md = new Metadata<>(t, List.of(sig), Map.of());
    return new SignedFile<>(md, SignedFile.fileBytes(md, canonical));
  }
}
