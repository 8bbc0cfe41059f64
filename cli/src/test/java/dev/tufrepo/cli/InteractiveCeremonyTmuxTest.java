package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive ceremony on a real pseudo-terminal: tmux runs {@code tufrepo admin ceremony}, the
 * test waits for each prompt on the screen and types the answer.
 */
class InteractiveCeremonyTmuxTest {
  @TempDir Path dir;
  private final String socket = "tufrepo-test-" + UUID.randomUUID().toString().substring(0, 8);

  private String tmux(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private String screen() throws IOException, InterruptedException {
    return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "ceremony");
  }

  /** Waits until the screen's last prompt contains {@code prompt}, then types {@code answer}. */
  private void answer(String prompt, String answer) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      String s = screen().stripTrailing();
      String last = s.substring(s.lastIndexOf('\n') + 1);
      if (last.contains(prompt)) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no prompt \"" + prompt + "\" on the screen:\n" + s);
      }
      Thread.sleep(100);
    }
    if (!answer.isEmpty()) {
      tmux("send-keys", "-t", "ceremony", "-l", answer);
    }
    tmux("send-keys", "-t", "ceremony", "Enter");
  }

  @Test
  void ceremony_drivenThroughAPseudoTerminal_writesTheAnsweredPayload() throws Exception {
    boolean haveTmux;
    try {
      haveTmux = new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
    } catch (IOException e) {
      haveTmux = false;
    }
    assumeTrue(haveTmux || System.getenv("CI") != null, "tmux is not installed");
    assertTrue(haveTmux, "tmux is required under CI (.ci/run installs it)");

    Path payload = dir.resolve("ceremony-payload.json");
    Path done = dir.resolve("exit-code");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd =
        String.join(
            " ",
            "'" + java + "'",
            "-cp",
            "'" + System.getProperty("java.class.path") + "'",
            "dev.tufrepo.cli.Tufrepo",
            "admin",
            "ceremony",
            "--out",
            "'" + payload + "'",
            "--keys-dir",
            "'" + dir.resolve("keys") + "'",
            "; echo $? > '" + done + "'; sleep 30");
    try {
      tmux("new-session", "-d", "-s", "ceremony", "-x", "250", "-y", "50", cmd);
      answer("timestamp metadata expires [1]:", "2");
      answer("snapshot metadata expires [1]:", "");
      answer("targets metadata expires [365]:", "90");
      answer("Number of hash bins", "32");
      answer("bins metadata expires [1]:", "");
      answer("root metadata expires [365]:", "200");
      answer("Root signature threshold", "2");
      answer("Root key 1:", "generate");
      answer("Name for root key 1 [root-1]:", "alice");
      answer("Root key 2:", "generate:ecdsa");
      answer("Name for root key 2 [root-2]:", "bob");
      answer("Add another root key? (y/N):", "n");
      answer("Online key:", "generate");
      answer("Online key URI", "fn:online.pem");
      answer("Sign root now", "y");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(done) || Files.readString(done).isBlank()) {
        assertTrue(System.nanoTime() < deadline, this::screenOrEmpty);
        Thread.sleep(100);
      }
      assertEquals("0", Files.readString(done).strip(), this::screenOrEmpty);
      assertTrue(screen().contains("wrote bootstrap payload"), this::screenOrEmpty);
    } finally {
      tmux("kill-server");
    }
    Metadata<Root> root = CeremonyTest.checkPayload(payload, 2, 1, 90, 32, 1, 200, 2, 2);
    root.signed().verifyDelegate("root", root);
    assertTrue(Files.isRegularFile(dir.resolve("keys/alice.pem")));
    assertTrue(Files.isRegularFile(dir.resolve("keys/online.pem")));
  }

  private String screenOrEmpty() {
    try {
      return screen();
    } catch (Exception e) {
      return e.toString();
    }
  }
}
