package dev.tufrepo.model;

/** The key types and signature schemes tufrepo signs with, named as TUF names them. */
public enum KeyScheme {
  ED25519("ed25519", "ed25519"),
  /**
   * ECDSA on P-256 with SHA-256; DER signatures; keytype {@code ecdsa} like securesystemslib 1.x.
   */
  ECDSA_P256("ecdsa", "ecdsa-sha2-nistp256"),
  /** RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt; keys of 3072 bits when generated. */
  RSA_PSS_SHA256("rsa", "rsassa-pss-sha256");

  private final String keytype;
  private final String scheme;

  KeyScheme(String keytype, String scheme) {
    this.keytype = keytype;
    this.scheme = scheme;
  }

  public String keytype() {
    return keytype;
  }

  public String scheme() {
    return scheme;
  }

  /** The scheme of TUF name {@code scheme}, for example {@code "ecdsa-sha2-nistp256"}. */
  public static KeyScheme ofScheme(String scheme) {
    for (KeyScheme s : values()) {
      if (s.scheme.equals(scheme)) {
        return s;
      }
    }
    throw new KeyFormatException("unsupported signature scheme \"" + scheme + "\"");
  }
}
