package dev.tufrepo.cli;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs tufrepo in-process through picocli with captured output. */
final class Cli {
  /** What a run printed and returned. */
  record Run(int code, String out, String err) {
    JsonValue json() {
      return Json.parse(out);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Cli() {}

  static Run run(String... args) {
    return run(new byte[0], Map.of(), args);
  }

  static Run withInput(String stdin, String... args) {
    return run(stdin.getBytes(StandardCharsets.UTF_8), Map.of(), args);
  }

  static Run run(byte[] stdin, Map<String, String> env, String... args) {
    return run(new ByteArrayInputStream(stdin), env, args);
  }

  static Run run(InputStream in, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Tufrepo.execute(
            new Io(in, new PrintWriter(out, true), new PrintWriter(err, true), env, false), args);
    return new Run(code, out.toString(), err.toString());
  }
}
