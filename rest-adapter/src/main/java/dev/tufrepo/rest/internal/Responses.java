package dev.tufrepo.rest.internal;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** RSTUF's success envelope {@code {"data": ..., "message": ...}} with nulls left out. */
public final class Responses {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private Responses() {}

  /** The body of every success answer; JSON-B leaves a null {@code data} out. */
  public record Envelope(Object data, String message) {}

  /** The body of every error answer. */
  public record Detail(Object detail) {}

  public static Response ok(Object data, String message) {
    return Response.ok(new Envelope(data, message), MediaType.APPLICATION_JSON_TYPE).build();
  }

  /** 202 with {@code data.task_id} and {@code data.last_update}, plus {@code extra} first. */
  public static Response accepted(
      String taskId, String lastUpdate, String message, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>(extra);
    data.put("task_id", taskId);
    data.put("last_update", lastUpdate);
    return Response.status(202)
        .entity(new Envelope(data, message))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .build();
  }

  public static Response accepted(String taskId, String message) {
    return accepted(taskId, lastUpdate(Instant.now()), message, Map.of());
  }

  /**
   * pydantic v2's rendering of an aware UTC datetime: {@code 2022-12-01T12:10:00.578086Z}, the
   * fraction only when the microseconds are not zero.
   */
  public static String lastUpdate(Instant when) {
    return naive(when) + "Z";
  }

  /**
   * A naive datetime as pydantic renders it (no zone): RSTUF's {@code POST /metadata/online}.
   * Written by hand (the seconds as {@code expires} writes them): every accepted request answers
   * with one, and the DateTimeFormatter took a quarter of the artifact handler's time.
   */
  public static String naive(Instant when) {
    String seconds;
    try {
      seconds = dev.tufrepo.model.Expires.format(when); // yyyy-MM-ddTHH:mm:ssZ
    } catch (IllegalArgumentException e) {
      return naiveFormatted(when); // pydantic's years are 1 to 9999; not a time a server sees
    }
    int micros = when.getNano() / 1000;
    if (micros == 0) {
      return seconds.substring(0, 19);
    }
    char[] out = new char[26];
    seconds.getChars(0, 19, out, 0);
    out[19] = '.';
    for (int i = 25; i > 19; i--) {
      out[i] = (char) ('0' + micros % 10);
      micros /= 10;
    }
    return new String(out);
  }

  /** {@link #naive} through {@link DateTimeFormatter}, for any year. */
  static String naiveFormatted(Instant when) {
    Instant t = when.truncatedTo(ChronoUnit.MICROS);
    LocalDateTime dt = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    String s = SECONDS.format(dt);
    int micros = dt.getNano() / 1000;
    return micros == 0 ? s : s + String.format(Locale.ROOT, ".%06d", micros);
  }
}
