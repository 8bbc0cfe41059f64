package dev.tufrepo.rest.internal;

import java.util.List;
import java.util.Map;

/**
 * One validation error in FastAPI/pydantic v2 form: {@code {"type", "loc", "msg", "input",
 * "ctx"?}}. {@code loc} starts with {@code "body"} or {@code "query"}.
 */
public record Problem(
    String type, List<Object> loc, String msg, Object input, Map<String, Object> ctx) {
  public Problem {
    loc = List.copyOf(loc);
  }
}
