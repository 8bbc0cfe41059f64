package dev.tufrepo.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test vectors ({@code ../shared/vectors} beside the repository root, or the
 * system property {@code tufrepo.vectors}). They are never copied into the project. When they are
 * missing, a test is skipped, except under CI ({@code CI=true}) where it fails.
 */
public final class Vectors {
  public static final String PROPERTY = "tufrepo.vectors";

  private Vectors() {}

  /** The vectors folder; skips (or under CI fails) the calling test when it is missing. */
  public static Path root() {
    Path p = locate();
    if (p == null || !Files.isDirectory(p)) {
      String msg =
          "test vectors not found (looked at "
              + (p == null ? "../shared/vectors above " + Path.of("").toAbsolutePath() : p)
              + "); set -D"
              + PROPERTY
              + "=DIR";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(msg);
      }
      assumeTrue(false, msg);
    }
    return p;
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }

  public static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String string(Path p) {
    return new String(bytes(p), java.nio.charset.StandardCharsets.UTF_8);
  }

  public static JsonValue json(Path p) {
    return Json.parse(bytes(p));
  }

  private static Path locate() {
    String prop = System.getProperty(PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("vectors");
      if (Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    return null;
  }
}
