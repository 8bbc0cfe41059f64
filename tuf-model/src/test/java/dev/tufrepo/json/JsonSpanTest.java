package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Json#locate} on hand-written documents; {@link JsonSpanProperties} has the invariants. */
class JsonSpanTest {
  private static final String PAYLOAD =
      """
      {
        "settings": {"metadata": {"root": "not this one"}},
        "metadata": {
          "root" :  {
            "signed": {"x-a-b": "caf\\u00e9 \\/ \\"q\\" é", "_type": "root"},
            "signatures": [ ]
          } ,
          "other": 1
        }
      }
      """;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] text, Optional<JsonSpan> span) {
    return new String(span.orElseThrow().copyOf(text), StandardCharsets.UTF_8);
  }

  @Test
  void locate_nestedObject_isItsTextAsWritten() {
    byte[] in = utf8(PAYLOAD);
    String root = text(in, Json.locate(in, "metadata", "root"));
    assertEquals(
        """
        {
              "signed": {"x-a-b": "caf\\u00e9 \\/ \\"q\\" é", "_type": "root"},
              "signatures": [ ]
            }""",
        root);
  }

  @Test
  void locate_scalarsAndWholeDocument_spanOnlyTheValue() {
    byte[] in = utf8(" \n{\"a\": {\"b\":  -12 , \"c\": \"x\\\"y\"}}\t");
    assertEquals("-12", text(in, Json.locate(in, "a", "b")));
    assertEquals("\"x\\\"y\"", text(in, Json.locate(in, "a", "c")));
    assertEquals("{\"a\": {\"b\":  -12 , \"c\": \"x\\\"y\"}}", text(in, Json.locate(in)));
  }

  @Test
  void locate_missingMember_orPathThroughNonObject_isEmpty() {
    byte[] in = utf8("{\"a\": [{\"b\": 1}], \"c\": \"s\"}");
    assertEquals(Optional.empty(), Json.locate(in, "x"));
    assertEquals(Optional.empty(), Json.locate(in, "a", "b"));
    assertEquals(Optional.empty(), Json.locate(in, "c", "d"));
    assertEquals(Optional.empty(), Json.locate(utf8("[{\"a\": 1}]"), "a"));
  }

  @Test
  void locate_duplicateNameOnThePath_isRefusedNamingIt() {
    String doc = "{\"metadata\": {\"root\": {\"v\": 1}, \"root\": {\"v\": 2}}}";
    byte[] in = utf8(doc);
    JsonException e = assertThrows(JsonException.class, () -> Json.locate(in, "metadata", "root"));
    assertEquals("duplicate key \"root\"", e.reason());
    assertEquals("metadata.root", e.path());
    assertEquals(doc.lastIndexOf("\"root\""), e.offset(), e.getMessage());
  }

  @Test
  void locate_invalidJsonAfterTheMember_isRefused() {
    byte[] in = utf8("{\"metadata\": {\"root\": {}}, \"x\": 1.5}");
    JsonException e = assertThrows(JsonException.class, () -> Json.locate(in, "metadata", "root"));
    assertTrue(e.reason().contains("floating-point"), e.getMessage());
  }
}
