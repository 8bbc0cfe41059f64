package dev.tufrepo.rest.internal;

import dev.tufrepo.storage.MetadataStore;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Serves the published metadata at {@code /metadata/<file>} (what TUF clients fetch) and a plain
 * directory listing at {@code /metadata/}, like the web server in front of RSTUF's storage. Only
 * flat names of metadata files are served: no separators, no {@code ..}, nothing hidden.
 */
@Path("/metadata")
public final class MetadataFilesResource {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,250}\\.json");
  private final MetadataStore store;

  public MetadataFilesResource(MetadataStore store) {
    this.store = store;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public String listing() {
    List<String> names = new ArrayList<>(store.list());
    names.sort(null);
    StringBuilder b = new StringBuilder(64 + names.size() * 48);
    b.append("<!DOCTYPE html><html><head><title>Index of /metadata/</title></head><body>")
        .append("<h1>Index of /metadata/</h1><pre>\n");
    for (String n : names) {
      if (NAME.matcher(n).matches()) {
        b.append("<a href=\"").append(n).append("\">").append(n).append("</a>\n");
      }
    }
    return b.append("</pre></body></html>\n").toString();
  }

  @GET
  @Path("{file}")
  public Response file(@PathParam("file") String file) {
    if (!NAME.matcher(file).matches() || file.contains("..")) {
      throw new ApiException(404, "Not Found");
    }
    byte[] bytes = store.read(file).orElseThrow(() -> new ApiException(404, "Not Found"));
    Response.ResponseBuilder r = Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE);
    if (!file.equals(MetadataStore.TIMESTAMP)) {
      // consistent snapshots never change
      r.header("Cache-Control", "public, max-age=31536000, immutable");
    } else {
      r.header("Cache-Control", "no-cache");
    }
    return r.build();
  }
}
