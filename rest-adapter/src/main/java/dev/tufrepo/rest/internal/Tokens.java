package dev.tufrepo.rest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer tokens and their scopes. Only SHA-256 digests of the tokens are kept; a lookup compares
 * digests in constant time. Scope {@code *} grants everything.
 */
public final class Tokens {
  private final Map<String, Set<String>> scopesByDigest = new HashMap<>();

  public Tokens(Map<String, Set<String>> scopesByToken) {
    scopesByToken.forEach((t, s) -> scopesByDigest.put(hex(digest(t)), Set.copyOf(s)));
  }

  public boolean enabled() {
    return !scopesByDigest.isEmpty();
  }

  /** The scopes of {@code token}, or empty when it is not a known token. */
  public Optional<Set<String>> scopes(String token) {
    byte[] d = hex(digest(token)).getBytes(StandardCharsets.US_ASCII);
    Set<String> found = null;
    for (Map.Entry<String, Set<String>> e : scopesByDigest.entrySet()) {
      if (MessageDigest.isEqual(d, e.getKey().getBytes(StandardCharsets.US_ASCII))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  public static boolean grants(Set<String> scopes, String needed) {
    return scopes.contains("*") || scopes.contains(needed);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }
}
