package dev.tufrepo.model;

import dev.tufrepo.model.internal.Hex;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Signature threshold checks as a TUF client makes them: a signature counts if its keyid is one of
 * the role's keyids, the key is known, and the signature over the canonical bytes of {@code signed}
 * verifies; each keyid counts at most once.
 */
public final class Verification {
  private Verification() {}

  /**
   * @throws UnsignedMetadataException if fewer than {@code role.threshold()} keys signed
   */
  public static void verify(String roleName, Role role, Map<String, Key> keys, Metadata<?> md) {
    int valid = countValid(role, keys, md.signedBytes(), md);
    if (valid < role.threshold()) {
      throw new UnsignedMetadataException(roleName, role.threshold(), valid);
    }
  }

  /**
   * The number of distinct keys of {@code role} with a valid signature over {@code signedBytes}.
   */
  public static int countValid(
      Role role, Map<String, Key> keys, byte[] signedBytes, Metadata<?> md) {
    Set<String> roleKeys = new HashSet<>(role.keyids());
    Set<String> counted = new HashSet<>();
    for (Signature s : md.signatures()) {
      String keyid = s.keyid();
      if (!roleKeys.contains(keyid) || counted.contains(keyid)) {
        continue;
      }
      Key key = keys.get(keyid);
      if (key == null) {
        continue;
      }
      byte[] sig;
      try {
        sig = Hex.decode(s.sig());
      } catch (IllegalArgumentException e) {
        continue;
      }
      boolean ok;
      try {
        ok = key.verifier().verify(signedBytes, 0, signedBytes.length, sig);
      } catch (KeyFormatException e) {
        ok = false; // an unusable key signs nothing, as in python-tuf
      }
      if (ok) {
        counted.add(keyid);
      }
    }
    return counted.size();
  }
}
