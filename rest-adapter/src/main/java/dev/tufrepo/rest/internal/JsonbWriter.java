package dev.tufrepo.rest.internal;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * Writes response bodies with JSON-B (Yasson): records and maps, JSON-P values as they are, nulls
 * left out. Signed metadata never passes through here: files are served as stored bytes.
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public final class JsonbWriter implements MessageBodyWriter<Object>, AutoCloseable {
  private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withNullValues(false));

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE)
        && type != byte[].class
        && type != String.class
        && !InputStream.class.isAssignableFrom(type)
        && !jakarta.ws.rs.core.StreamingOutput.class.isAssignableFrom(type);
  }

  /** The JSON text of {@code value}. */
  public String toJson(Object value) {
    return jsonb.toJson(value);
  }

  @Override
  public void writeTo(
      Object o,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> headers,
      OutputStream out)
      throws java.io.IOException {
    out.write(jsonb.toJson(o).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    jsonb.close();
  }
}
