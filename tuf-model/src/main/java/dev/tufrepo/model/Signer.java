package dev.tufrepo.model;

/**
 * Signs bytes with one key and says which key it was: the one method tufrepo needs of a key,
 * wherever it lives (a PEM file, an HSM). Implementations are thread-safe.
 */
@FunctionalInterface
public interface Signer {
  /**
   * Signs {@code message}, the canonical JSON bytes of a {@code signed} object.
   *
   * @return the signature entry: this key's keyid and the hex signature
   */
  Signature sign(byte[] message);
}
