package dev.tufrepo.conformance;

import java.nio.file.Path;

/**
 * A client's persistent state: its directory (trusted metadata, downloaded targets), the root it
 * trusts first, and the server it reads.
 */
record Session(Path dir, Path initialRoot, String metadataUrl, String targetsUrl) {
  Path metadataDir() {
    return dir.resolve("metadata");
  }

  Path targetDir() {
    return dir.resolve("targets");
  }
}
