package dev.tufrepo.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.JsonException;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing errors name the JSON path and the reason; unknown fields survive. */
class MetadataParsingTest {
  private static final String KEY =
      "\"k1\": {\"keytype\": \"ed25519\", \"scheme\": \"ed25519\", \"keyval\": {\"public\":"
          + " \"b70f94c2eb702e649fbf946a4db351b97accccc426188e3a98f1321fc6765b58\"}}";

  private static String root(String threshold, String version, String expires) {
    return "{\n \"signatures\": [],\n \"signed\": {\n  \"_type\": \"root\", \"spec_version\": \"1.0.31\","
        + " \"version\": "
        + version
        + ", \"expires\": "
        + expires
        + ", \"consistent_snapshot\": true,"
        + " \"keys\": {"
        + KEY
        + "},"
        + " \"roles\": {\"root\": {\"keyids\": [\"k1\"], \"threshold\": "
        + threshold
        + "},"
        + " \"targets\": {\"keyids\": [\"k1\"], \"threshold\": 1},"
        + " \"snapshot\": {\"keyids\": [\"k1\"], \"threshold\": 1},"
        + " \"timestamp\": {\"keyids\": [\"k1\"], \"threshold\": 1}}}}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static MetadataFormatException formatError(String json) {
    return assertThrows(MetadataFormatException.class, () -> Metadata.parse(utf8(json)));
  }

  @Test
  void prettyPrintedRoot_parses() {
    Metadata<Root> md = Metadata.parseRoot(utf8(root("1", "1", "\"2030-01-01T00:00:00Z\"")));
    assertEquals(Instant.parse("2030-01-01T00:00:00Z"), md.signed().expires());
    assertEquals(true, md.signed().consistentSnapshot());
    assertEquals(List.of("k1"), md.signed().role("root").keyids());
  }

  @Test
  void thresholdBelowOne_isRejectedWithPath() {
    MetadataFormatException e = formatError(root("0", "1", "\"2030-01-01T00:00:00Z\""));
    assertEquals("signed.roles.root.threshold: must be >= 1", e.getMessage());
    assertEquals("signed.roles.root.threshold", e.path());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | \"2030-01-01T00:00:00Z\" | signed.version | must be >= 1",
        "-3 | \"2030-01-01T00:00:00Z\" | signed.version | must be >= 1",
        "\"1\" | \"2030-01-01T00:00:00Z\" | signed.version | must be an integer, not string",
        "1 | \"2030-01-01T00:00:00+00:00\" | signed.expires | must be a UTC time in the form YYYY-MM-DDTHH:MM:SSZ",
        "1 | \"2030-01-01T00:00:00.5Z\" | signed.expires | must be a UTC time in the form YYYY-MM-DDTHH:MM:SSZ",
        "1 | \"2030-02-30T00:00:00Z\" | signed.expires | is not a valid date",
        "1 | 12 | signed.expires | must be a string, not integer",
      })
  void badVersionOrExpires_isRejectedWithPathAndReason(
      String version, String expires, String path, String reason) {
    MetadataFormatException e = formatError(root("1", version, expires));
    assertEquals(path, e.path());
    assertTrue(e.reason().startsWith(reason), e.getMessage());
  }

  @Test
  void missingRequiredField_isNamed() {
    String json =
        root("1", "1", "\"2030-01-01T00:00:00Z\"").replace("\"spec_version\": \"1.0.31\",", "");
    MetadataFormatException e = formatError(json);
    assertEquals("signed.spec_version: required field is missing", e.getMessage());
  }

  @Test
  void wrongRoleSet_isRejected() {
    String json =
        root("1", "1", "\"2030-01-01T00:00:00Z\"").replace("\"snapshot\": {", "\"mirrors\": {");
    MetadataFormatException e = formatError(json);
    assertEquals("signed.roles.mirrors", e.path());
  }

  @Test
  void floatVersion_isASyntaxErrorWithPath() {
    JsonException e =
        assertThrows(
            JsonException.class,
            () -> Metadata.parse(utf8(root("1", "1.0", "\"2030-01-01T00:00:00Z\""))));
    assertEquals("signed.version", e.path());
    assertTrue(e.reason().contains("floating-point"));
  }

  @Test
  void negativeTargetLength_isRejected() {
    String json =
        "{\"signatures\":[],\"signed\":{\"_type\":\"targets\",\"spec_version\":\"1.0\",\"version\":1,"
            + "\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{\"a/b.txt\":{\"length\":-1,"
            + "\"hashes\":{\"sha256\":\"00\"}}}}}";
    MetadataFormatException e = formatError(json);
    assertEquals("signed.targets[\"a/b.txt\"].length: must be >= 0", e.getMessage());
  }

  @Test
  void duplicateSignatureKeyids_areRejected() {
    String json =
        root("1", "1", "\"2030-01-01T00:00:00Z\"")
            .replace(
                "\"signatures\": []",
                "\"signatures\": [{\"keyid\":\"k1\",\"sig\":\"00\"},{\"keyid\":\"k1\",\"sig\":\"01\"}]");
    MetadataFormatException e = formatError(json);
    assertEquals("signatures[1].keyid", e.path());
  }

  @Test
  void typeMismatch_isReported() {
    MetadataFormatException e =
        assertThrows(
            MetadataFormatException.class,
            () -> Metadata.parseTargets(utf8(root("1", "1", "\"2030-01-01T00:00:00Z\""))));
    assertEquals("signed._type: expected \"targets\", found \"root\"", e.getMessage());
  }

  @Test
  void unknownFields_areKeptAndWrittenBack() {
    String json =
        "{\"signatures\":[],\"x-top\":1,\"signed\":{\"_type\":\"targets\",\"spec_version\":\"1.0.31\","
            + "\"version\":1,\"expires\":\"2030-01-01T00:00:00Z\",\"x-rstuf-expire-policy\":\"7\","
            + "\"targets\":{\"f\":{\"length\":1,\"hashes\":{\"sha256\":\"ab\"},\"custom\":{\"z\":null},\"x\":[]}}}}";
    Metadata<Targets> md = Metadata.parseTargets(utf8(json));
    assertEquals(Map.of("x-top", new JsonNumber(1)), md.unrecognized());
    assertEquals(new JsonString("7"), md.signed().unrecognized().get("x-rstuf-expire-policy"));
    TargetFile f = md.signed().targets().get("f");
    assertTrue(f.unrecognized().containsKey("x"));
    assertEquals(
        "{\"_type\":\"targets\",\"expires\":\"2030-01-01T00:00:00Z\",\"spec_version\":\"1.0.31\","
            + "\"targets\":{\"f\":{\"custom\":{\"z\":null},\"hashes\":{\"sha256\":\"ab\"},\"length\":1,\"x\":[]}},"
            + "\"version\":1,\"x-rstuf-expire-policy\":\"7\"}",
        new String(md.signedBytes(), StandardCharsets.UTF_8));
    assertEquals(md, Metadata.parse(md.toJson()));
    assertNull(md.signed().delegations());
  }

  @Test
  void timestampMeta_mustListOnlySnapshot() {
    String json =
        "{\"signatures\":[],\"signed\":{\"_type\":\"timestamp\",\"spec_version\":\"1.0.31\",\"version\":1,"
            + "\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot.json\":{\"version\":1},"
            + "\"targets.json\":{\"version\":1}}}}";
    assertEquals("signed.meta[\"targets.json\"]", formatError(json).path());
  }

  @Test
  void delegationsWithBothRolesAndSuccinct_areRejected() {
    String json =
        "{\"signatures\":[],\"signed\":{\"_type\":\"targets\",\"spec_version\":\"1.0.31\",\"version\":1,"
            + "\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{},\"delegations\":{\"keys\":{},"
            + "\"roles\":[],\"succinct_roles\":{\"keyids\":[],\"threshold\":1,\"bit_length\":4,"
            + "\"name_prefix\":\"bins\"}}}}";
    MetadataFormatException e = formatError(json);
    assertEquals("signed.delegations.roles", e.path());
  }

  @Test
  void bitLengthOutOfRange_isRejected() {
    String json =
        "{\"signatures\":[],\"signed\":{\"_type\":\"targets\",\"spec_version\":\"1.0.31\",\"version\":1,"
            + "\"expires\":\"2030-01-01T00:00:00Z\",\"targets\":{},\"delegations\":{\"keys\":{},"
            + "\"succinct_roles\":{\"keyids\":[],\"threshold\":1,\"bit_length\":33,"
            + "\"name_prefix\":\"bins\"}}}}";
    assertEquals(
        "signed.delegations.succinct_roles.bit_length: must be between 1 and 32",
        formatError(json).getMessage());
  }

  @Test
  void specVersion2_isRejected() {
    String json = root("1", "1", "\"2030-01-01T00:00:00Z\"").replace("1.0.31", "2.0.0");
    assertEquals("signed.spec_version", formatError(json).path());
  }

  private static String snapshot(String binEntry) {
    return "{\"signatures\":[],\"signed\":{\"_type\":\"snapshot\",\"spec_version\":\"1.0.31\","
        + "\"version\":3,\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"bins-0.json\":"
        + binEntry
        + ",\"targets.json\":{\"version\":1}}}}";
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"version\":7}|7|",
        "{\"version\":2147483647}|2147483647|",
        "{\"length\":12,\"version\":7}|7|12",
        "{\"hashes\":{\"sha256\":\"ab\"},\"version\":7}|7|",
        "{\"version\":7,\"x-note\":1}|7|"
      })
  void snapshotMetaEntries_ofEveryShape_parseToTheirFields(String entry, int version, Long length) {
    MetaFile parsed =
        Metadata.parseSnapshot(snapshot(entry).getBytes(StandardCharsets.UTF_8))
            .signed()
            .meta()
            .get("bins-0.json");
    assertEquals(version, parsed.version());
    assertEquals(length, parsed.length());
    assertEquals(entry, new String(parsed.toCanonicalJson(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"version\":0}|signed.meta[\"bins-0.json\"].version: must be >= 1",
        "{\"version\":-1}|signed.meta[\"bins-0.json\"].version: must be >= 1",
        "{\"version\":2147483648}|signed.meta[\"bins-0.json\"].version: must be <= 2147483647",
        "{\"version\":\"7\"}|signed.meta[\"bins-0.json\"].version: must be an integer, not string",
        "{}|signed.meta[\"bins-0.json\"].version: required field is missing",
        "7|signed.meta[\"bins-0.json\"]: must be an object, not integer"
      })
  void badSnapshotMetaEntry_isRejectedWithItsPath(String entry, String message) {
    assertEquals(message, formatError(snapshot(entry)).getMessage());
  }
}
