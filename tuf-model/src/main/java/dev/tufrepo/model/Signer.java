package dev.tufrepo.model;

/**
 * Signs bytes with one key and says which key it was: the one method tufrepo needs of a key,
 * wherever it lives (a PEM file, an HSM). A signer that can sign a range of a larger buffer in
 * place may also override {@link #sign(byte[], int, int)}. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Signer {
  /**
   * Signs {@code message}, the canonical JSON bytes of a {@code signed} object.
   *
   * @return the signature entry: this key's keyid and the hex signature
   */
  Signature sign(byte[] message);

  /**
   * Signs {@code message[offset, offset+length)}, for a caller that holds the canonical bytes
   * inside a larger buffer. This default copies the range and calls {@link #sign(byte[])}; signers
   * that can read the range in place override it.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code message}
   */
  default Signature sign(byte[] message, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, message.length);
    if (offset == 0 && length == message.length) {
      return sign(message);
    }
    return sign(java.util.Arrays.copyOfRange(message, offset, offset + length));
  }

  /**
   * Signs several messages, {@code messages[i][0, lengths[i])}, and returns their signatures in the
   * same order. This default signs them one at a time with {@link #sign(byte[], int, int)}; a
   * signer that signs several faster together overrides it ({@link PrivateKeySigner} with an
   * Ed25519 key hashes up to eight at once).
   *
   * @throws IllegalArgumentException if the two arrays differ in length
   * @throws IndexOutOfBoundsException if a length is negative or past its message's end
   */
  default java.util.List<Signature> signAll(byte[][] messages, int[] lengths) {
    if (messages.length != lengths.length) {
      throw new IllegalArgumentException(
          messages.length + " messages but " + lengths.length + " lengths");
    }
    Signature[] out = new Signature[messages.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = sign(messages[i], 0, lengths[i]);
    }
    return java.util.List.of(out);
  }
}
