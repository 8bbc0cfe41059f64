package dev.tufrepo.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonParserTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\": 1.5} | a | floating-point",
        "{\"a\": [1, 2e3]} | a[1] | floating-point",
        "{\"a\": 01} | a | leading zeros",
        "{\"a\": 99999999999999999999} | a | 64-bit",
        "{\"a\": \"\\ud800\"} | a | lone surrogate",
        "{\"a\": \"\\udc00x\"} | a | lone surrogate",
        "{\"a\": tru} | a | expected 'true'",
        "{\"a\": 1,} | '' | member name",
        "{\"a\": 1} x | '' | after the JSON value",
        "{\"a\" 1} | a | expected ':'",
        "[1, 2 | [1] | unexpected end",
        "{\"a\": \"\\x\"} | a | invalid escape",
      })
  void invalidInput_isRejectedWithPathAndReason(String json, String path, String reason) {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(json));
    assertEquals(path, e.path(), e.getMessage());
    assertTrue(e.reason().contains(reason), e.getMessage());
  }

  @Test
  void rawControlCharacterInString_isRejected() {
    JsonException e = assertThrows(JsonException.class, () -> Json.parse("[\"a\tb\"]"));
    assertTrue(e.reason().contains("must be escaped"), e.getMessage());
  }

  @Test
  void invalidUtf8_isRejected() {
    byte[] overlong = {'[', '"', (byte) 0xC0, (byte) 0xAF, '"', ']'};
    assertThrows(JsonException.class, () -> Json.parse(overlong));
    byte[] encodedSurrogate = {'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'};
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(encodedSurrogate));
    assertTrue(e.reason().contains("surrogate"), e.getMessage());
    byte[] truncated = {'[', '"', (byte) 0xE2, (byte) 0x82};
    assertThrows(JsonException.class, () -> Json.parse(truncated));
  }

  @Test
  void deepNesting_isRefusedBeforeTheStackOverflows() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
    assertTrue(e.reason().contains("nesting"), e.getMessage());
  }

  @Test
  void minusZero_andLongRange_areIntegers() {
    assertArrayEquals(
        "[0,-9223372036854775808,9223372036854775807]".getBytes(StandardCharsets.UTF_8),
        Json.canonical(Json.parse("[-0, -9223372036854775808, 9223372036854775807]")));
  }

  @Test
  void jsonWriter_escapesControlCharacters_canonicalDoesNot() {
    JsonValue v = JsonArray.of(new JsonString("a\nb\u0001\"\\/é"));
    assertEquals("[\"a\\nb\\u0001\\\"\\\\/é\"]", new String(Json.write(v), StandardCharsets.UTF_8));
    assertEquals(
        "[\"a\nb\u0001\\\"\\\\/é\"]", new String(Json.canonical(v), StandardCharsets.UTF_8));
    assertEquals(v, Json.parse(Json.write(v)));
  }

  @Test
  void codePointOrder_putsAstralAfterPrivateUse() {
    assertTrue(Json.CODE_POINT_ORDER.compare("\uD83D\uDE00", "\uE000") > 0);
    assertTrue("\uD83D\uDE00".compareTo("\uE000") < 0, "String.compareTo differs here");
    assertTrue(Json.CODE_POINT_ORDER.compare("a", "ab") < 0);
    assertTrue(Json.CODE_POINT_ORDER.compare("B", "a") < 0);
  }
}
