package dev.tufrepo.rest.internal;

import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNull;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.util.Map;

/**
 * Converts our JSON trees ({@link dev.tufrepo.json}) to JSON-P values, which JSON-B writes as they
 * are. Response bodies leave nulls out (RSTUF's {@code response_model_exclude_none}), nested ones
 * included, so object members that are null are dropped here.
 */
public final class JsonP {
  /**
   * Looked up once: each {@code jakarta.json.Json} factory call runs {@link
   * JsonProvider#provider()}, a {@link java.util.ServiceLoader} scan of the class path (it was a
   * tenth of a request thread's CPU under load, for the task responses alone).
   */
  private static final JsonProvider PROVIDER = JsonProvider.provider();

  private JsonP() {}

  public static jakarta.json.JsonValue of(JsonValue v) {
    if (v instanceof JsonObject o) {
      JsonObjectBuilder b = PROVIDER.createObjectBuilder();
      for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
        if (!(e.getValue() instanceof JsonNull)) {
          b.add(e.getKey(), of(e.getValue()));
        }
      }
      return b.build();
    }
    if (v instanceof JsonArray a) {
      JsonArrayBuilder b = PROVIDER.createArrayBuilder();
      for (JsonValue x : a.values()) {
        b.add(of(x));
      }
      return b.build();
    }
    if (v instanceof JsonString s) {
      return PROVIDER.createValue(s.value());
    }
    if (v instanceof JsonNumber n) {
      return PROVIDER.createValue(n.value());
    }
    if (v instanceof JsonBoolean b) {
      return b.value() ? jakarta.json.JsonValue.TRUE : jakarta.json.JsonValue.FALSE;
    }
    return jakarta.json.JsonValue.NULL;
  }

  /** Members of {@code map} converted, nulls left out. */
  public static jakarta.json.JsonObject object(Map<String, JsonValue> map) {
    return (jakarta.json.JsonObject) of(JsonObject.of(map));
  }
}
