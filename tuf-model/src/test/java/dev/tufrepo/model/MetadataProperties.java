package dev.tufrepo.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonTreeArbitraries;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Round-trip properties of the metadata records of all four roles, through the JSON file ({@link
 * Metadata#toJson()}) and through the canonical bytes that are signed ({@link
 * Metadata#signedBytes()}), and properties of succinct hash-bin delegation.
 */
class MetadataProperties {
  /** Strings with control characters: only for the JSON file, which escapes them. */
  private static final TufMetadataArbitraries WITH_CONTROLS = new TufMetadataArbitraries(true);

  /** Strings without control characters: canonical bytes of these are valid JSON text. */
  private static final TufMetadataArbitraries NO_CONTROLS = new TufMetadataArbitraries(false);

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<Metadata<Root>> rootWithControls() {
    return WITH_CONTROLS.metadata(WITH_CONTROLS.roots());
  }

  @Provide
  Arbitrary<Metadata<Targets>> targetsWithControls() {
    return WITH_CONTROLS.metadata(WITH_CONTROLS.targets());
  }

  @Provide
  Arbitrary<Metadata<Snapshot>> snapshotWithControls() {
    return WITH_CONTROLS.metadata(WITH_CONTROLS.snapshots());
  }

  @Provide
  Arbitrary<Metadata<Timestamp>> timestampWithControls() {
    return WITH_CONTROLS.metadata(WITH_CONTROLS.timestamps());
  }

  @Provide
  Arbitrary<Metadata<Root>> root() {
    return NO_CONTROLS.metadata(NO_CONTROLS.roots());
  }

  @Provide
  Arbitrary<Metadata<Targets>> targets() {
    return NO_CONTROLS.metadata(NO_CONTROLS.targets());
  }

  @Provide
  Arbitrary<Metadata<Snapshot>> snapshot() {
    return NO_CONTROLS.metadata(NO_CONTROLS.snapshots());
  }

  @Provide
  Arbitrary<Metadata<Timestamp>> timestamp() {
    return NO_CONTROLS.metadata(NO_CONTROLS.timestamps());
  }

  @Provide
  Arbitrary<String> targetPaths() {
    return Arbitraries.oneOf(
        JsonTreeArbitraries.strings(true, 40),
        WITH_CONTROLS.paths(),
        Arbitraries.strings().ascii().ofMaxLength(60));
  }

  @Provide
  Arbitrary<String> namePrefixes() {
    return Arbitraries.oneOf(
        Arbitraries.of("bins", "delegated_bin", "", "a-b", "ff"),
        JsonTreeArbitraries.strings(true, 8));
  }

  // ---------------------------------------------------------------- JSON file round trip

  // 500 tries for the eight round trips of whole metadata files, 20-56 ms a try on a slow host:
  // at 1,000 this class took 4.6 minutes of a 19.5-minute CI run on 11-27
  @Property(tries = 500)
  void rootMetadata_parseOfToJson_returnsEqualMetadata(
      @ForAll("rootWithControls") Metadata<Root> md) {
    assertFileRoundTrip(md, Metadata::parseRoot);
  }

  @Property(tries = 500)
  void targetsMetadata_parseOfToJson_returnsEqualMetadata(
      @ForAll("targetsWithControls") Metadata<Targets> md) {
    assertFileRoundTrip(md, Metadata::parseTargets);
  }

  @Property(tries = 500)
  void snapshotMetadata_parseOfToJson_returnsEqualMetadata(
      @ForAll("snapshotWithControls") Metadata<Snapshot> md) {
    assertFileRoundTrip(md, Metadata::parseSnapshot);
  }

  @Property(tries = 500)
  void timestampMetadata_parseOfToJson_returnsEqualMetadata(
      @ForAll("timestampWithControls") Metadata<Timestamp> md) {
    assertFileRoundTrip(md, Metadata::parseTimestamp);
  }

  private static <T extends Signed> void assertFileRoundTrip(
      Metadata<T> md, Function<byte[], Metadata<T>> typedParse) {
    byte[] file = md.toJson();
    Metadata<? extends Signed> parsed = Metadata.parse(file);
    assertEquals(md, parsed);
    assertEquals(md, typedParse.apply(file));
    // writing what was read gives the same file
    assertArrayEquals(file, parsed.toJson());
  }

  // ---------------------------------------------------------------- canonical (signed) bytes

  @Property(tries = 500)
  void rootMetadata_parseOfCanonicalSignedBytes_returnsEqualSigned(
      @ForAll("root") Metadata<Root> md) {
    assertCanonicalRoundTrip(md);
  }

  @Property(tries = 500)
  void targetsMetadata_parseOfCanonicalSignedBytes_returnsEqualSigned(
      @ForAll("targets") Metadata<Targets> md) {
    assertCanonicalRoundTrip(md);
  }

  @Property(tries = 500)
  void snapshotMetadata_parseOfCanonicalSignedBytes_returnsEqualSigned(
      @ForAll("snapshot") Metadata<Snapshot> md) {
    assertCanonicalRoundTrip(md);
  }

  @Property(tries = 500)
  void timestampMetadata_parseOfCanonicalSignedBytes_returnsEqualSigned(
      @ForAll("timestamp") Metadata<Timestamp> md) {
    assertCanonicalRoundTrip(md);
  }

  private static void assertCanonicalRoundTrip(Metadata<? extends Signed> md) {
    byte[] signed = md.signedBytes();
    Metadata<? extends Signed> parsed = Metadata.parse(wrap(asJsonText(signed)));
    assertEquals(md.signed(), parsed.signed());
    assertArrayEquals(signed, parsed.signedBytes(), "canonical bytes of the re-parsed role");
    // the records' own canonical writer agrees with canonical JSON of the generic tree
    JsonObject fileTree = (JsonObject) Json.parse(md.toJson());
    assertArrayEquals(signed, Json.canonical(fileTree.get("signed")));
  }

  /**
   * Canonical bytes as JSON text. Generated strings hold no control characters, but the PEM public
   * values of ecdsa and rsa keys hold newlines, which canonical JSON writes raw (as
   * securesystemslib does) and JSON text may not contain. Canonical JSON has no whitespace between
   * tokens, so a raw byte below 0x20 can only be inside a string: escaping it gives JSON text of
   * the same value.
   */
  private static byte[] asJsonText(byte[] canonical) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(canonical.length + 64);
    for (byte b : canonical) {
      if (b >= 0 && b < 0x20) {
        assertEquals('\n', b, "only PEM newlines may be raw control characters here");
        out.writeBytes("\\n".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  /** {@code {"signatures":[],"signed":<signed>}} */
  private static byte[] wrap(byte[] signed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(signed.length + 32);
    out.writeBytes("{\"signatures\":[],\"signed\":".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(signed);
    out.write('}');
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- succinct hash bins

  @Property(tries = 1000)
  void binIndex_isInRange_matchesSha256Prefix_andNamesADelegatedBin(
      @ForAll @IntRange(min = 1, max = 32) int bitLength,
      @ForAll("targetPaths") String path,
      @ForAll("targetPaths") String otherPath,
      @ForAll("namePrefixes") String prefix) {
    SuccinctRoles bins = new SuccinctRoles(java.util.List.of("k"), 1, bitLength, prefix);
    long expectedBins = 1L << bitLength;
    assertEquals(expectedBins, bins.numberOfBins());

    long index = bins.binIndex(path);
    assertTrue(index >= 0 && index < bins.numberOfBins(), "index " + index + " out of range");
    assertEquals(referenceBinIndex(path, bitLength), index);

    // stable across calls, also with another path hashed in between
    bins.binIndex(otherPath);
    assertEquals(index, bins.binIndex(path));
    assertEquals(
        index, new SuccinctRoles(java.util.List.of(), 3, bitLength, prefix).binIndex(path));

    String name = bins.roleName(index);
    assertEquals(bins.roleForTarget(path), name);
    assertTrue(bins.isDelegatedRole(name), name);
    int hexDigits = Long.toHexString(expectedBins - 1).length();
    assertEquals(hexDigits, bins.suffixLength());
    assertEquals(prefix.length() + 1 + bins.suffixLength(), name.length());
    assertEquals(prefix + "-", name.substring(0, prefix.length() + 1));
    assertEquals(index, Long.parseLong(name.substring(prefix.length() + 1), 16));
  }

  @Property(tries = 1000)
  void roleName_ofEveryIndexInRange_isADelegatedRole_andIndicesBeyondAreNot(
      @ForAll @IntRange(min = 1, max = 32) int bitLength,
      @ForAll long anyIndex,
      @ForAll("namePrefixes") String prefix) {
    SuccinctRoles bins = new SuccinctRoles(java.util.List.of("k"), 1, bitLength, prefix);
    long n = bins.numberOfBins();
    long index = Math.floorMod(anyIndex, n);
    String name = bins.roleName(index);
    assertTrue(bins.isDelegatedRole(name), name);
    assertEquals(prefix.length() + 1 + bins.suffixLength(), name.length());
    assertEquals(
        String.format("%0" + bins.suffixLength() + "x", index),
        name.substring(prefix.length() + 1));
    // an index that fits in the suffix but not in the bins, and uppercase hex, are not bins
    long maxInSuffix = (1L << (4 * bins.suffixLength())) - 1;
    if (maxInSuffix >= n) {
      long tooBig = n + Math.floorMod(anyIndex, maxInSuffix - n + 1);
      String beyond = prefix + "-" + String.format("%0" + bins.suffixLength() + "x", tooBig);
      assertFalse(bins.isDelegatedRole(beyond), beyond);
    }
    String upper =
        prefix + "-" + name.substring(prefix.length() + 1).toUpperCase(java.util.Locale.ROOT);
    assertEquals(upper.equals(name), bins.isDelegatedRole(upper), upper);
    assertThrows(IndexOutOfBoundsException.class, () -> bins.roleName(n));
  }

  @Property(tries = 1000)
  void isRoleName_matchesExactlyTheBuiltName(
      @ForAll @IntRange(min = 1, max = 32) int bitLength,
      @ForAll long anyIndex,
      @ForAll long otherIndex,
      @ForAll("namePrefixes") String prefix,
      @ForAll("namePrefixes") String otherPrefix,
      @ForAll @net.jqwik.api.constraints.StringLength(max = 6) String suffix) {
    SuccinctRoles bins = new SuccinctRoles(java.util.List.of("k"), 1, bitLength, prefix);
    long n = bins.numberOfBins();
    long index = Math.floorMod(anyIndex, n);
    long other = Math.floorMod(otherIndex, n);
    String name = bins.roleName(index) + suffix;
    assertTrue(bins.isRoleName(name, index, suffix), name);
    assertEquals(index == other, bins.isRoleName(name, other, suffix), name + " as " + other);
    assertEquals(suffix.isEmpty(), bins.isRoleName(bins.roleName(index), index, suffix), name);
    String foreign = otherPrefix + name.substring(prefix.length());
    assertEquals(otherPrefix.equals(prefix), bins.isRoleName(foreign, index, suffix), foreign);
    assertFalse(bins.isRoleName(name + "x", index, suffix), name + "x");
    assertFalse(bins.isRoleName(name, n, suffix), "index " + n);
    assertFalse(bins.isRoleName(name, -1, suffix), "index -1");
  }

  /** First 4 bytes of SHA-256 of the UTF-8 path as unsigned big-endian, top bit_length bits. */
  private static long referenceBinIndex(String path, int bitLength) {
    byte[] d;
    try {
      d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    long first4 = 0;
    for (int i = 0; i < 4; i++) {
      first4 = (first4 << 8) | (d[i] & 0xFF);
    }
    return first4 >>> (32 - bitLength);
  }
}
