package dev.tufrepo.model.internal;

import dev.tufrepo.model.KeyFormatException;
import java.util.Base64;

/** PEM as securesystemslib (pyca/cryptography) writes it: 64-character lines, a final newline. */
public final class Pem {
  /**
   * A decoded PEM block: its label ({@code PUBLIC KEY}, {@code PRIVATE KEY}, ...) and DER bytes.
   */
  public record Block(String label, byte[] der) {}

  private Pem() {}

  public static String encode(String label, byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    StringBuilder sb = new StringBuilder(b64.length() + 80);
    sb.append("-----BEGIN ").append(label).append("-----\n");
    for (int i = 0; i < b64.length(); i += 64) {
      sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
    }
    return sb.append("-----END ").append(label).append("-----\n").toString();
  }

  /** Decodes the first PEM block of {@code text}. */
  public static Block decode(String text) {
    int begin = text.indexOf("-----BEGIN ");
    if (begin < 0) {
      throw new KeyFormatException("not a PEM document: no -----BEGIN line");
    }
    int labelEnd = text.indexOf("-----", begin + 11);
    if (labelEnd < 0) {
      throw new KeyFormatException("not a PEM document: malformed -----BEGIN line");
    }
    String label = text.substring(begin + 11, labelEnd);
    String endMarker = "-----END " + label + "-----";
    int end = text.indexOf(endMarker, labelEnd);
    if (end < 0) {
      throw new KeyFormatException("PEM block " + label + " has no matching -----END line");
    }
    String body = text.substring(labelEnd + 5, end);
    if (body.contains(":")) {
      throw new KeyFormatException("encrypted PEM (" + label + ") is not supported");
    }
    try {
      return new Block(label, Base64.getMimeDecoder().decode(body.strip()));
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("PEM block " + label + " is not valid base64");
    }
  }
}
