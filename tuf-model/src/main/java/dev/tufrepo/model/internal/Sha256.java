package dev.tufrepo.model.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 helpers. A digest is kept per thread: creating one costs more than hashing a path. */
public final class Sha256 {
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::create);

  private Sha256() {}

  public static MessageDigest create() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  public static byte[] digest(byte[] data) {
    return DIGEST.get().digest(data);
  }

  public static byte[] digest(byte[] data, int off, int len) {
    MessageDigest md = DIGEST.get();
    md.update(data, off, len);
    return md.digest();
  }

  public static String hex(byte[] data) {
    return Hex.encode(digest(data));
  }

  /** The first four bytes of SHA-256 of the UTF-8 bytes of {@code s}, big-endian. */
  public static int prefix32(String s) {
    byte[] d = DIGEST.get().digest(s.getBytes(StandardCharsets.UTF_8));
    return ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
  }
}
