package dev.tufrepo.cli;

import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.StorageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Published metadata read over HTTP, as a TUF client fetches it; read only. */
final class HttpMetadataStore implements MetadataStore {
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  HttpMetadataStore(String url) {
    this.base = url.endsWith("/") ? url : url + "/";
  }

  @Override
  public Optional<byte[]> read(String name) {
    MetadataStore.checkName(name);
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + name))
                  .timeout(Duration.ofSeconds(60))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      if (r.statusCode() != 200) {
        throw new StorageException("GET " + base + name + ": HTTP " + r.statusCode());
      }
      return Optional.of(r.body());
    } catch (IOException e) {
      throw new StorageException("GET " + base + name + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted", e);
    }
  }

  @Override
  public void writeVersioned(Map<String, byte[]> files) {
    throw new UnsupportedOperationException("read only");
  }

  @Override
  public void writeTimestamp(byte[] bytes) {
    throw new UnsupportedOperationException("read only");
  }

  @Override
  public List<String> list() {
    throw new UnsupportedOperationException("cannot list over HTTP");
  }

  @Override
  public void delete(String name) {
    throw new UnsupportedOperationException("read only");
  }
}
