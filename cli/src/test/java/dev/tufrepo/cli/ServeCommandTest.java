package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void serveDev_onAnEmptyRepository_bootstraps_andAnArtifactAppearsInThePublishedBins()
      throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PipedOutputStream keepOpen = new PipedOutputStream();
    Io io =
        new Io(
            new PipedInputStream(keepOpen),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of(),
            false);
    AtomicInteger code = new AtomicInteger(-1);
    Path data = dir.resolve("data");
    Thread t =
        new Thread(
            () ->
                code.set(
                    Tufrepo.execute(
                        io,
                        "serve",
                        "--dev",
                        "--port",
                        "0",
                        "--data-dir",
                        data.toString(),
                        "--dev-bins",
                        "16",
                        "--set",
                        "group-commit-ms=20")));
    t.start();
    String url = null;
    Pattern listening = Pattern.compile("listening on (http://\\S+/) ");
    for (int i = 0; i < 600 && url == null; i++) {
      Matcher m = listening.matcher(out.toString());
      if (m.find()) {
        url = m.group(1);
      } else {
        assertTrue(t.isAlive(), () -> "serve ended: " + out + err);
        Thread.sleep(50);
      }
    }
    assertNotNull(url, () -> out + "\n" + err);
    try {
      assertTrue(err.toString().contains("NOT FOR PRODUCTION"), err::toString);
      assertTrue(Files.isRegularFile(data.resolve("dev-root-keys/dev-root.pem")));
      Cli.Run add =
          Cli.run(
              "artifact",
              "add",
              "--path",
              "a/b.txt",
              "--length",
              "3",
              "--sha256",
              LocalRepoCommandsTest.sha256("abc"),
              "-s",
              url,
              "--wait");
      assertEquals(0, add.code(), add::toString);
      Cli.Run v = Cli.run("verify", "--metadata-url", url + "metadata/", "--list-targets");
      assertEquals(0, v.code(), v::toString);
      assertTrue(v.out().contains("a/b.txt 3"), v::toString);
    } finally {
      t.interrupt();
      t.join(30_000);
    }
    assertEquals(0, code.get(), () -> out + "\n" + err);

    // a second start keeps the repository as it is
    Cli.Run again = Cli.run("verify", "--repo", data.toString(), "--list-targets");
    assertEquals(0, again.code(), again::toString);
    assertTrue(again.out().contains("a/b.txt"), again::toString);
  }

  @Test
  void serve_invalidSetting_isAValidationError() {
    Cli.Run r = Cli.run("serve", "--set", "port=notaport", "--data-dir", dir.toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("port"), r::toString);
  }
}
