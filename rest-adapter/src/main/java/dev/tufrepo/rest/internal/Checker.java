package dev.tufrepo.rest.internal;

import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonNull;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads fields out of a parsed request body the way pydantic validates RSTUF's models, collecting
 * every problem with its location; {@link #done()} throws them as one 422. Getters return null when
 * the field is missing or has the wrong type (the problem is recorded then).
 */
public final class Checker {
  private final List<Problem> problems = new ArrayList<>();

  /** Location helper: {@code loc("body", "artifacts", 3, "path")}. */
  public static List<Object> loc(Object... parts) {
    return List.of(parts);
  }

  public static List<Object> child(List<Object> parent, Object name) {
    List<Object> l = new ArrayList<>(parent);
    l.add(name);
    return l;
  }

  /** The body itself must be an object. */
  public JsonObject body(JsonValue v) {
    if (v instanceof JsonObject o) {
      return o;
    }
    add("model_attributes_type", loc("body"), MODEL_MSG, v);
    done();
    return null;
  }

  private static final String MODEL_MSG =
      "Input should be a valid dictionary or object to extract fields from";

  private JsonValue member(JsonObject parent, String name, List<Object> at, boolean required) {
    JsonValue v = parent.get(name);
    if (v == null || (v instanceof JsonNull && required)) {
      if (required) {
        if (v == null) {
          add("missing", at, "Field required", parent);
        } else {
          add("model_attributes_type", at, MODEL_MSG, v);
        }
      }
      return null;
    }
    return v instanceof JsonNull ? null : v;
  }

  public JsonObject object(JsonObject parent, String name, List<Object> at, boolean required) {
    return typed(
        parent,
        name,
        at,
        required,
        JsonObject.class,
        required ? "model_attributes_type" : "dict_type",
        MODEL_MSG);
  }

  /** A map-typed field ({@code dict[str, X]}): pydantic's {@code dict_type}. */
  public JsonObject dict(JsonObject parent, String name, List<Object> at, boolean required) {
    return typed(
        parent,
        name,
        at,
        required,
        JsonObject.class,
        "dict_type",
        "Input should be a valid dictionary");
  }

  public JsonArray list(JsonObject parent, String name, List<Object> at, boolean required) {
    return typed(
        parent, name, at, required, JsonArray.class, "list_type", "Input should be a valid list");
  }

  /**
   * The member {@code name} when it has {@code type}; otherwise records pydantic's {@code
   * errorType} with {@code message} (or the missing-field error) and returns null.
   */
  private <T extends JsonValue> T typed(
      JsonObject parent,
      String name,
      List<Object> at,
      boolean required,
      Class<T> type,
      String errorType,
      String message) {
    JsonValue v = member(parent, name, at, required);
    if (v == null) {
      return null;
    }
    if (type.isInstance(v)) {
      return type.cast(v);
    }
    add(errorType, at, message, v);
    return null;
  }

  public String string(JsonObject parent, String name, List<Object> at, boolean required) {
    JsonValue v = member(parent, name, at, required);
    return v == null ? null : string(v, at);
  }

  public String string(JsonValue v, List<Object> at) {
    if (v instanceof JsonString s) {
      return s.value();
    }
    add("string_type", at, "Input should be a valid string", v);
    return null;
  }

  public Long integer(JsonObject parent, String name, List<Object> at, boolean required) {
    JsonValue v = member(parent, name, at, required);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonNumber n) {
      return n.value();
    }
    add("int_type", at, "Input should be a valid integer", v);
    return null;
  }

  /** An integer that must be greater than {@code gt}. */
  public Integer intGreaterThan(
      JsonObject parent, String name, List<Object> at, boolean required, long gt) {
    Long n = integer(parent, name, at, required);
    if (n == null) {
      return null;
    }
    if (n <= gt) {
      add("greater_than", at, "Input should be greater than " + gt, n, Map.of("gt", gt));
      return null;
    }
    if (n > Integer.MAX_VALUE) {
      add("less_than_equal", at, "Input should be less than or equal to " + Integer.MAX_VALUE, n);
      return null;
    }
    return n.intValue();
  }

  public Boolean bool(JsonObject parent, String name, List<Object> at, boolean required) {
    JsonValue v = member(parent, name, at, required);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonBoolean b) {
      return b.value();
    }
    add("bool_type", at, "Input should be a valid boolean", v);
    return null;
  }

  /** A pydantic {@code value_error}: "Value error, {reason}". */
  public void valueError(List<Object> at, String reason, Object input) {
    add("value_error", at, "Value error, " + reason, input, Map.of("error", reason));
  }

  public void add(String type, List<Object> at, String msg, Object input) {
    add(type, at, msg, input, null);
  }

  public void add(String type, List<Object> at, String msg, Object input, Map<String, Object> ctx) {
    Object in = input instanceof JsonValue j ? JsonP.of(j) : input;
    problems.add(new Problem(type, at, msg, in, ctx));
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  /** Throws the problems found so far, if any. */
  public void done() {
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }
}
