package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./tufrepo} launcher as a real process: it builds the jar when needed (slow the first
 * time), then runs a local repository end to end.
 */
class LauncherTest {
  @TempDir Path dir;

  record Proc(int code, String out) {}

  private static Path launcher() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("tufrepo"))) {
      p = p.getParent();
    }
    assertTrue(p != null, "no ./tufrepo launcher above " + Path.of("").toAbsolutePath());
    return p.resolve("tufrepo");
  }

  private Proc run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(launcher().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(15, TimeUnit.MINUTES));
    return new Proc(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void launcher_buildsWhenNeeded_andRunsCommandsWithTheirExitCodes() throws Exception {
    Proc v = run("--version");
    assertEquals(0, v.code(), v.out());
    assertTrue(v.out().contains("tufrepo"), v.out());

    Proc init = run("repo", "init", "--bins", "4");
    assertEquals(0, init.code(), init.out());
    String rows = "p/one,5," + LocalRepoCommandsTest.sha256("p/one") + "\n";
    Files.writeString(dir.resolve("rows.csv"), rows);
    Proc imp = run("import", "rows.csv", "-o", "json");
    assertEquals(0, imp.code(), imp.out());
    Proc verify = run("verify", "--list-targets");
    assertEquals(0, verify.code(), verify.out());
    assertTrue(verify.out().contains("p/one 5"), verify.out());
    assertEquals(1, run("bogus").code());
    assertEquals(2, run("import", "rows.csv", "--chunk", "0").code());
    assertEquals(3, run("task", "show", "x", "--api-server", "http://127.0.0.1:1").code());
  }
}
