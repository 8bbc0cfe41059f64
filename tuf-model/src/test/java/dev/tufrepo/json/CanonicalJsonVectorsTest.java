package dev.tufrepo.json;

import static dev.tufrepo.testing.JsonAccess.arr;
import static dev.tufrepo.testing.JsonAccess.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.testing.Vectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The canonical JSON vectors made with securesystemslib: every case byte for byte. */
class CanonicalJsonVectorsTest {
  private static final Path DIR = Path.of("canonical-json");

  @TestFactory
  Stream<DynamicTest> everyCase_encodesToSecuresystemslibBytes_orIsRejected() {
    Path dir = Vectors.resolve(DIR.toString());
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonValue c : arr(Vectors.json(dir.resolve("index.json")))) {
      String name = str(c, "name");
      byte[] input = Vectors.bytes(dir.resolve(str(c, "input")));
      String expected = str(c, "expected");
      if (expected != null) {
        byte[] want = Vectors.bytes(dir.resolve(expected));
        tests.add(
            DynamicTest.dynamicTest(
                name,
                () -> {
                  byte[] got = Json.canonical(Json.parseLastKeyWins(input));
                  assertArrayEquals(want, got, name);
                  assertEquals(str(c, "expected_sha256"), Sha256.hex(got));
                }));
      } else {
        tests.add(
            DynamicTest.dynamicTest(
                name + " is rejected",
                () -> assertThrows(JsonException.class, () -> Json.parse(input))));
      }
    }
    assertEquals(24, tests.size(), "20 canonical cases and 4 must-reject cases");
    return tests.stream();
  }

  @Test
  void duplicateKeys_areRejectedByTheStrictParser() {
    byte[] input =
        Vectors.bytes(
            Vectors.resolve("canonical-json/cases/17-duplicate-keys-last-wins.input.json"));
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(input));
    assertEquals("a", e.path());
    assertTrue(e.reason().contains("duplicate"), e.reason());
  }

  @Test
  void floats_areRejectedWithReason() {
    for (String r : List.of("R1-float", "R2-float-integral-value", "R3-exponent")) {
      byte[] input = Vectors.bytes(Vectors.resolve("canonical-json/cases/" + r + ".input.json"));
      JsonException e = assertThrows(JsonException.class, () -> Json.parse(input), r);
      assertTrue(e.reason().contains("floating-point"), e.getMessage());
    }
  }

  @Test
  void loneSurrogate_isRejectedByParserAndEncoder() {
    byte[] input =
        Vectors.bytes(Vectors.resolve("canonical-json/cases/R4-lone-surrogate.input.json"));
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(input));
    assertTrue(e.reason().contains("lone surrogate"), e.getMessage());
    assertThrows(
        JsonException.class, () -> Json.canonical(JsonArray.of(new JsonString("a\ud800b"))));
  }
}
