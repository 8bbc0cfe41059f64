package dev.tufrepo.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void defaults_loopback8080_dataDirLayout_serveMetadata_authOff() {
    ServerConfig c = ServerConfig.defaults();
    assertEquals("127.0.0.1", c.host());
    assertEquals(8080, c.port());
    assertEquals(Path.of("./tufrepo-data"), c.dataDir());
    assertEquals(Path.of("./tufrepo-data/metadata"), c.metadataDir());
    assertEquals(Path.of("./tufrepo-data/state"), c.stateDir());
    assertEquals(Path.of("./tufrepo-data/keys"), c.keyDir());
    assertTrue(c.serveMetadata());
    assertTrue(c.authTokens().isEmpty());
    assertEquals(10L * 1024 * 1024, c.maxBodyBytes());
    assertEquals(Duration.ofSeconds(1), c.groupCommit());
  }

  @Test
  void resolve_flagsBeatEnvironment_environmentBeatsDefaults_rstufNames() {
    ServerConfig c =
        ServerConfig.resolve(
            Map.of("port", "9001"),
            Map.of(
                "TUFREPO_PORT", "9002",
                "TUFREPO_HOST", "0.0.0.0",
                "RSTUF_LOCAL_STORAGE_BACKEND_PATH", "/srv/metadata",
                "RSTUF_ONLINE_KEY_DIR", "/run/keys",
                "RSTUF_STORAGE_BACKEND", "LocalStorage",
                "RSTUF_KEYVAULT_BACKEND", "LocalKeyVault",
                "TUFREPO_SERVE_METADATA", "false"));
    assertEquals(9001, c.port());
    assertEquals("0.0.0.0", c.host());
    assertEquals(Path.of("/srv/metadata"), c.metadataDir());
    assertEquals(Path.of("/run/keys"), c.keyDir());
    assertFalse(c.serveMetadata());
  }

  @Test
  void invalidValues_nameTheSetting() {
    String message = rejection(Map.of(), Map.of("TUFREPO_PORT", "eighty"));
    assertTrue(message.startsWith("setting port"), message);
    message = rejection(Map.of(), Map.of("RSTUF_STORAGE_BACKEND", "S3"));
    assertTrue(message.contains("RSTUF_STORAGE_BACKEND"), message);
    message = rejection(Map.of("prot", "1"), Map.of());
    assertTrue(message.contains("--prot"), message);
    message = rejection(Map.of("serve-metadata", "perhaps"), Map.of());
    assertTrue(message.startsWith("setting serve-metadata"), message);
  }

  @Test
  void signingThreads_defaultLeavesACoreToRequests_andCanBeSet() {
    int cores = Runtime.getRuntime().availableProcessors();
    ServerConfig auto = ServerConfig.defaults();
    assertEquals(0, auto.signingThreads());
    assertEquals(Math.max(1, cores - 1), auto.effectiveSigningThreads());
    assertTrue(
        auto.describe().contains("signing-threads=auto (" + Math.max(1, cores - 1) + ")"),
        auto.describe());

    ServerConfig set =
        ServerConfig.resolve(
            Map.of("signing-threads", "3"), Map.of("TUFREPO_SIGNING_THREADS", "5"));
    assertEquals(3, set.effectiveSigningThreads());
    assertEquals(
        5,
        ServerConfig.resolve(Map.of(), Map.of("TUFREPO_SIGNING_THREADS", "5"))
            .effectiveSigningThreads());
    assertTrue(set.describe().contains("signing-threads=3"), set.describe());
    assertEquals(3, set.toBuilder().build().signingThreads());

    String message = rejection(Map.of("signing-threads", "-1"), Map.of());
    assertEquals(
        "setting signing-threads (--signing-threads / TUFREPO_SIGNING_THREADS): must be 0"
            + " (automatic) to 1024, not -1",
        message);
  }

  @Test
  void earlyWriteBackBytes_offByDefault_andCanBeSet() {
    ServerConfig byDefault = ServerConfig.defaults();
    assertEquals(0, byDefault.earlyWriteBackBytes());
    assertTrue(byDefault.describe().contains("early-write-back-bytes=0"), byDefault.describe());

    ServerConfig set =
        ServerConfig.resolve(
            Map.of("early-write-back-bytes", "1048576"),
            Map.of("TUFREPO_EARLY_WRITE_BACK_BYTES", "4096"));
    assertEquals(1048576, set.earlyWriteBackBytes());
    assertEquals(
        4096,
        ServerConfig.resolve(Map.of(), Map.of("TUFREPO_EARLY_WRITE_BACK_BYTES", "4096"))
            .earlyWriteBackBytes());
    assertEquals(1048576, set.toBuilder().build().earlyWriteBackBytes());

    String message = rejection(Map.of("early-write-back-bytes", "-1"), Map.of());
    assertEquals(
        "setting early-write-back-bytes (--early-write-back-bytes /"
            + " TUFREPO_EARLY_WRITE_BACK_BYTES): must be 0 (none) or more, not -1",
        message);
  }

  @Test
  void describe_redactsTokens() {
    ServerConfig c =
        ServerConfig.resolve(
            Map.of(), Map.of("TUFREPO_AUTH_TOKENS", "very-secret-token-123=artifacts:write,read"));
    assertEquals(
        Map.of("very-secret-token-123", Set.of("artifacts:write", "read")), c.authTokens());
    assertFalse(c.describe().contains("very-secret"), c.describe());
    assertFalse(c.toString().contains("very-secret"));
    assertTrue(c.describe().contains("auth-tokens=***=artifacts:write,read"), c.describe());
  }

  /** The message of the exception with which {@code resolve(options, env)} rejects its input. */
  private static String rejection(Map<String, String> options, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> ServerConfig.resolve(options, env))
        .getMessage();
  }
}
