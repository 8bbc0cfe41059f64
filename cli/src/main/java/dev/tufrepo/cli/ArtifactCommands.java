package dev.tufrepo.cli;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.internal.Hex;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tufrepo artifact add|delete} against a server. */
@Command(
    name = "artifact",
    mixinStandardHelpOptions = true,
    description = "Add and delete artifacts on a server.",
    subcommands = {ArtifactCommands.Add.class, ArtifactCommands.Delete.class})
final class ArtifactCommands extends Group {

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Adds an artifact: from a local FILE (length, sha256 and sha512 computed; path = [--prefix/]file name),",
        "or from --path, --length and --sha256 [--sha512]."
      })
  static final class Add extends Cmd {
    @Mixin ServerOptions server;
    @Mixin TaskCommands.WaitOptions waitOptions;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "A local file to describe.")
    Path file;

    @Option(
        names = {"-p", "--prefix"},
        paramLabel = "PREFIX",
        description = "Target path prefix for FILE.")
    String prefix;

    @Option(
        names = "--path",
        paramLabel = "PATH",
        description = "Target path (default for FILE: [PREFIX/]file name).")
    String path;

    @Option(names = "--length", paramLabel = "BYTES")
    Long length;

    @Option(names = "--sha256", paramLabel = "HEX")
    String sha256;

    @Option(names = "--sha512", paramLabel = "HEX")
    String sha512;

    @Option(names = "--custom", paramLabel = "JSON", description = "The target's custom object.")
    String custom;

    @Option(names = "--no-publish", description = "Queue only (publish_artifacts false).")
    boolean noPublish;

    Add(Io io) {
      super(io);
    }

    @Override
    protected void run() throws Exception {
      String target;
      long len;
      Map<String, String> hashes = new LinkedHashMap<>();
      if (file != null) {
        if (length != null || sha256 != null || sha512 != null) {
          throw CliException.invalid("artifact: give either FILE or --length/--sha256, not both");
        }
        if (!Files.isRegularFile(file)) {
          throw CliException.io("cannot read " + file + ": no such file", null);
        }
        String name = file.getFileName().toString();
        target =
            path != null
                ? path
                : prefix == null || prefix.isEmpty() ? name : stripSlash(prefix) + "/" + name;
        MessageDigest d256 = digest("SHA-256");
        MessageDigest d512 = digest("SHA-512");
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
          int r;
          while ((r = in.read(buf)) > 0) {
            d256.update(buf, 0, r);
            d512.update(buf, 0, r);
            n += r;
          }
        }
        len = n;
        hashes.put("sha256", Hex.encode(d256.digest()));
        hashes.put("sha512", Hex.encode(d512.digest()));
      } else {
        if (path == null || length == null || sha256 == null) {
          throw CliException.invalid(
              "artifact: give a FILE, or all of --path, --length and --sha256");
        }
        target = path;
        len = length;
        hashes.put("sha256", sha256);
        if (sha512 != null) {
          hashes.put("sha512", sha512);
        }
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("length", len);
      info.put("hashes", hashes);
      if (custom != null) {
        JsonValue c;
        try {
          c = Json.parse(custom);
        } catch (RuntimeException e) {
          throw CliException.invalid("custom: not valid JSON: " + e.getMessage());
        }
        info.put("custom", c);
      }
      JsonObject body =
          Jsons.obj(
              "artifacts",
              List.of(Jsons.obj("path", target, "info", Jsons.of(info))),
              "add_task_id_to_custom",
              false,
              "publish_artifacts",
              !noPublish);
      ApiClient api = server.client(io);
      String id = api.submit("api/v1/artifacts/", body);
      JsonObject submitted = Jsons.obj("task_id", id, "path", target, "info", Jsons.of(info));
      TaskCommands.finish(
          this,
          io,
          api,
          id,
          waitOptions,
          submitted,
          "added " + target + " (" + len + " bytes), task " + id + "\n");
    }

    private static String stripSlash(String p) {
      String s = p;
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return s;
    }

    private static MessageDigest digest(String alg) {
      try {
        return MessageDigest.getInstance(alg);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Removes artifacts by target path.")
  static final class Delete extends Cmd {
    @Mixin ServerOptions server;
    @Mixin TaskCommands.WaitOptions waitOptions;

    @Parameters(paramLabel = "PATH", arity = "1..*")
    List<String> paths = new ArrayList<>();

    @Option(names = "--no-publish", description = "Queue only (publish_artifacts false).")
    boolean noPublish;

    Delete(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      ApiClient api = server.client(io);
      String id =
          api.submit(
              "api/v1/artifacts/delete",
              Jsons.obj("artifacts", paths, "publish_artifacts", !noPublish));
      TaskCommands.finish(
          this,
          io,
          api,
          id,
          waitOptions,
          Jsons.obj("task_id", id, "artifacts", paths),
          "deleting " + String.join(", ", paths) + ", task " + id + "\n");
    }
  }
}
