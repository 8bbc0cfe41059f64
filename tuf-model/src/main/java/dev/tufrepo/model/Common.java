package dev.tufrepo.model;

import java.time.Instant;
import java.util.Objects;

/** Checks and reads the fields every {@link Signed} has. */
final class Common {
  record Header(String specVersion, int version, Instant expires) {}

  private Common() {}

  static Instant check(String specVersion, int version, Instant expires) {
    Objects.requireNonNull(specVersion, "spec_version");
    Objects.requireNonNull(expires, "expires");
    checkSpecVersion(specVersion);
    MetaFile.checkVersion(version, "version");
    return Expires.truncate(expires);
  }

  /** python-tuf and tuf-js accept 2 or 3 numeric parts with major version 1. */
  static void checkSpecVersion(String specVersion) {
    if (specVersion.equals(Signed.SPEC_VERSION)) {
      return; // what this code writes: every bin of every publish, without splitting it again
    }
    String[] parts = specVersion.split("\\.", -1);
    boolean ok = parts.length == 2 || parts.length == 3;
    for (String p : parts) {
      ok &= !p.isEmpty() && p.chars().allMatch(c -> c >= '0' && c <= '9');
    }
    if (!ok) {
      throw new MetadataFormatException("spec_version", "must be a version like 1.0.31");
    }
    if (!parts[0].equals("1")) {
      throw new MetadataFormatException(
          "spec_version", "major version " + parts[0] + " is not supported (only 1)");
    }
  }

  static Header read(Fields f, String expectedType) {
    String type = f.string("_type");
    if (!type.equals(expectedType)) {
      throw f.error("_type", "expected \"" + expectedType + "\", found \"" + type + "\"");
    }
    String specVersion = f.string("spec_version");
    int version = f.intField("version");
    Instant expires = f.expires("expires");
    return new Header(specVersion, version, expires);
  }

  static void write(dev.tufrepo.json.JsonWriter w, String name, Signed s) {
    switch (name) {
      case "_type" -> w.name("_type").value(s.type());
      case "expires" -> w.name("expires").value(Expires.format(s.expires()));
      case "spec_version" -> w.name("spec_version").value(s.specVersion());
      case "version" -> w.name("version").value(s.version());
      default -> throw new IllegalArgumentException(name);
    }
  }
}
