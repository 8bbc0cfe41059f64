package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.PublishVerificationException;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.UnsignedMetadataException;

/** The signature half of {@link ClientCheck#checkBin}, run where the bin is signed, in parallel. */
final class ClientCheckBins {
  private ClientCheckBins() {}

  static void verifySignature(RepoState state, String bin, SignedFile<Targets> file) {
    try {
      state.targets().metadata().signed().verifyDelegate(bin, file.metadata());
    } catch (UnsignedMetadataException e) {
      throw new PublishVerificationException(e.getMessage());
    }
  }
}
