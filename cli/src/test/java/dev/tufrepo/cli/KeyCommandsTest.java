package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.model.PrivateKeySigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyCommandsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"ed25519,ed25519", "ecdsa,ecdsa-sha2-nistp256", "rsa,rsassa-pss-sha256"})
  void generate_writesOwnerOnlyPemAndPrintsItsKeyid(String type, String scheme) throws Exception {
    Path file = dir.resolve(type + ".pem");
    Cli.Run r = Cli.run("key", "generate", "--type", type, "--file", file.toString());
    assertEquals(0, r.code(), r::toString);
    String keyid = r.out().strip();
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    PrivateKeySigner s = PrivateKeySigner.fromPem(Files.readString(file));
    assertEquals(s.keyId(), keyid);
    assertEquals(scheme, s.publicKey().scheme());

    Cli.Run info = Cli.run("key", "info", file.toString(), "--output", "json");
    assertEquals(0, info.code(), info::toString);
    assertEquals(keyid, Jsons.string(info.json(), "keyid"));
    assertEquals(JsonBoolean.of(true), Jsons.at(info.json(), "private"));
  }

  @Test
  void info_ofPublicPem_givesTheSameKeyidAsThePrivateKey() throws Exception {
    Path priv = dir.resolve("k.pem");
    Path pub = dir.resolve("k.pub.pem");
    Cli.Run g = Cli.run("key", "generate", "-f", priv.toString(), "--public-file", pub.toString());
    assertEquals(0, g.code(), g::toString);
    Cli.Run info = Cli.run("key", "info", pub.toString(), "-o", "json");
    assertEquals(0, info.code(), info::toString);
    assertEquals(g.out().strip(), Jsons.string(info.json(), "keyid"));
    assertEquals(JsonBoolean.of(false), Jsons.at(info.json(), "private"));
  }

  @Test
  void generate_refusesToOverwriteAKeyFile() throws Exception {
    Path file = dir.resolve("k.pem");
    Files.writeString(file, "precious");
    Cli.Run r = Cli.run("key", "generate", "-f", file.toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("already exists"), r::toString);
    assertEquals("precious", Files.readString(file));
  }

  @Test
  void unknownKeyType_isAValidationError() {
    Cli.Run r = Cli.run("key", "generate", "--type", "dsa", "-f", dir.resolve("x").toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("unknown \"dsa\""), r::toString);
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
  }

  @Test
  void info_ofGarbage_isAValidationError_andVerboseShowsTheStackTrace() throws Exception {
    Path file = dir.resolve("bad.pem");
    Files.writeString(file, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    Cli.Run r = Cli.run("key", "info", file.toString());
    assertEquals(2, r.code(), r::toString);
    Cli.Run v = Cli.run("key", "info", file.toString(), "--verbose");
    assertEquals(2, v.code(), v::toString);
    assertTrue(v.err().contains("\tat "), v::toString);
  }

  @Test
  void missingFile_isAnIoError() {
    Cli.Run r = Cli.run("key", "info", dir.resolve("nope.pem").toString());
    assertEquals(3, r.code(), r::toString);
  }

  @Test
  void usageErrors_exitWith1() {
    assertEquals(1, Cli.run("key", "info").code());
    assertEquals(1, Cli.run("no-such-command").code());
    assertEquals(1, Cli.run().code());
    assertEquals(1, Cli.run("key").code());
  }

  @Test
  void help_listsTheCommands() {
    Cli.Run r = Cli.run("--help");
    assertEquals(0, r.code());
    for (String c :
        new String[] {
          "serve",
          "repo",
          "import",
          "publish",
          "refresh",
          "verify",
          "key",
          "admin",
          "artifact",
          "task"
        }) {
      assertTrue(r.out().contains(c), c);
    }
  }
}
