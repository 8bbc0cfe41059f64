package dev.tufrepo.rest.internal;

import dev.tufrepo.engine.EngineException;
import dev.tufrepo.engine.InvalidRequestException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Exceptions to RSTUF/FastAPI error bodies. */
public final class Mappers {
  private static final Logger LOG = LoggerFactory.getLogger(Mappers.class);

  private Mappers() {}

  static Response detail(int status, Object detail) {
    return Response.status(status)
        .entity(new Responses.Detail(detail))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .build();
  }

  /** FastAPI's 422 list. */
  public static Response validation(List<Problem> problems) {
    List<Map<String, Object>> list = new java.util.ArrayList<>();
    for (Problem p : problems) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", p.type());
      m.put("loc", p.loc());
      m.put("msg", p.msg());
      m.put("input", p.input() == null ? jakarta.json.JsonValue.NULL : p.input());
      if (p.ctx() != null) {
        m.put("ctx", p.ctx());
      }
      list.add(m);
    }
    return detail(422, list);
  }

  public static final class Api implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException e) {
      return detail(e.status(), e.detail());
    }
  }

  public static final class Validation implements ExceptionMapper<ValidationException> {
    @Override
    public Response toResponse(ValidationException e) {
      return validation(e.problems());
    }
  }

  /** An engine refusal of a field that the REST checks let through: a 422 naming the field. */
  public static final class InvalidRequest implements ExceptionMapper<InvalidRequestException> {
    @Override
    public Response toResponse(InvalidRequestException e) {
      Checker c = new Checker();
      c.valueError(FieldPaths.loc(e.field(), "artifacts"), e.reason(), null);
      try {
        c.done();
      } catch (ValidationException v) {
        return validation(v.problems());
      }
      return detail(422, e.getMessage());
    }
  }

  /** A request the engine cannot carry out in the repository's state. */
  public static final class Engine implements ExceptionMapper<EngineException> {
    @Override
    public Response toResponse(EngineException e) {
      LOG.info("refused: {}", e.getMessage());
      return detail(
          409, Map.of("message", "Task not accepted.", "error", String.valueOf(e.getMessage())));
    }
  }

  /** Jersey's own answers: 404 and 405 with FastAPI's bodies. */
  public static final class Web implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      int status = e.getResponse().getStatus();
      String text =
          switch (status) {
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 415 -> "Unsupported Media Type";
            case 406 -> "Not Acceptable";
            default -> e.getResponse().getStatusInfo().getReasonPhrase();
          };
      Response.ResponseBuilder r = Response.status(status).entity(new Responses.Detail(text));
      r.type(MediaType.APPLICATION_JSON_TYPE);
      Object allow = e.getResponse().getHeaders().getFirst("Allow");
      if (allow != null) {
        r.header("Allow", allow);
      }
      return r.build();
    }
  }

  public static final class Unexpected implements ExceptionMapper<RuntimeException> {
    @Override
    public Response toResponse(RuntimeException e) {
      LOG.error("unexpected error", e);
      return detail(500, "Internal Server Error");
    }
  }
}
