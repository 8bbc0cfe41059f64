package dev.tufrepo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tufrepo.engine.RepositoryVerifier;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.TargetFile;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.fs.FileSystemMetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRepoCommandsTest {
  @TempDir Path dir;

  private Path repo() {
    return dir.resolve("repo");
  }

  private void init(int bins) {
    Cli.Run r =
        Cli.run("repo", "init", "--repo", repo().toString(), "--bins", Integer.toString(bins));
    assertEquals(0, r.code(), r::toString);
  }

  static String sha256(String s) {
    return Sha256.hex(s.getBytes(StandardCharsets.UTF_8));
  }

  private RepositoryVerifier.Report verifyReport() {
    try (FileSystemMetadataStore s = FileSystemMetadataStore.open(repo().resolve("metadata"))) {
      byte[] root = s.read("1.root.json").orElseThrow();
      return RepositoryVerifier.verify(s, root, Instant.now(), true);
    }
  }

  /** The target entry as published in the bin it belongs to, read from the bin file itself. */
  private TargetFile published(String path, int bins) throws Exception {
    Path md = repo().resolve("metadata");
    SuccinctRoles sr =
        new SuccinctRoles(List.of("x"), 1, Integer.numberOfTrailingZeros(bins), "bins");
    String role = sr.roleForTarget(path);
    int best = 0;
    try (Stream<Path> files = Files.list(md)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.endsWith("." + role + ".json")) {
          best = Math.max(best, Integer.parseInt(n.substring(0, n.indexOf('.'))));
        }
      }
    }
    Metadata<Targets> bin =
        Metadata.parseTargets(Files.readAllBytes(md.resolve(best + "." + role + ".json")));
    return bin.signed().targets().get(path);
  }

  @Test
  void init_bootstrapsWithTheServerLayout_andRootKeysOwnerOnly() throws Exception {
    Cli.Run r =
        Cli.run(
            "repo",
            "init",
            "--repo",
            repo().toString(),
            "--bins",
            "16",
            "--root-key",
            "generate,generate:ecdsa",
            "--root-threshold",
            "2",
            "-o",
            "json");
    assertEquals(0, r.code(), r::toString);
    assertEquals(16, ((JsonNumber) Jsons.at(r.json(), "bins")).value());
    assertTrue(Files.isRegularFile(repo().resolve("metadata/1.root.json")));
    assertTrue(Files.isRegularFile(repo().resolve("metadata/timestamp.json")));
    assertTrue(Files.isDirectory(repo().resolve("state")));
    String uri = Jsons.string(r.json(), "online_key_uri");
    assertTrue(Files.isRegularFile(repo().resolve("keys").resolve(uri.substring(3))));
    try (Stream<Path> keys = Files.list(repo().resolve("offline-root-keys"))) {
      List<Path> l = keys.toList();
      assertEquals(2, l.size());
      for (Path p : l) {
        assertEquals(
            "rw-------",
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p)));
      }
    }
    assertTrue(verifyReport().ok(), () -> verifyReport().problems().toString());

    Cli.Run again = Cli.run("repo", "init", "--repo", repo().toString());
    assertEquals(2, again.code(), again::toString);
    assertTrue(again.err().contains("already bootstrapped"), again::toString);
  }

  @Test
  void init_refusesARootThatCannotBeSignedNow_andLeavesNoKeysBehind() {
    Cli.Run r =
        Cli.run(
            "repo",
            "init",
            "--repo",
            repo().toString(),
            "--root-key",
            "generate",
            "--sign",
            "later");
    assertEquals(2, r.code(), r::toString);
    assertFalse(Files.exists(repo().resolve("offline-root-keys/root-1.pem")));
  }

  @Test
  void importCsvAndJsonLines_artifactsAppearInTheirPublishedBins_andVerify() throws Exception {
    init(16);
    StringBuilder csv = new StringBuilder("path,length,sha256,sha512\n");
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      String p = "pkg/a-" + i + ".tar.gz";
      String h512 = Sha256.hex(p.getBytes(StandardCharsets.UTF_8)).repeat(2);
      csv.append(p)
          .append(',')
          .append(i)
          .append(',')
          .append(sha256(p))
          .append(i % 2 == 0 ? "," + h512 : "")
          .append('\n');
      expected.put(p, (long) i);
    }
    Path file = dir.resolve("rows.csv");
    Files.writeString(file, csv);
    Cli.Run r = Cli.run("import", file.toString(), "--repo", repo().toString(), "-o", "json");
    assertEquals(0, r.code(), r::toString);
    assertEquals(500, ((JsonNumber) Jsons.at(r.json(), "rows")).value());
    assertEquals(1, ((JsonNumber) Jsons.at(r.json(), "publishes")).value());

    StringBuilder jsonl = new StringBuilder();
    jsonl
        .append("{\"path\":\"j/one\",\"length\":7,\"sha256\":\"")
        .append(sha256("j/one"))
        .append("\"}\n");
    jsonl
        .append("{\"path\":\"j/two\",\"info\":{\"length\":9,\"hashes\":{\"sha256\":\"")
        .append(sha256("j/two"))
        .append("\"},\"custom\":{\"k\":\"v\"}}}\n");
    Path jf = dir.resolve("rows.jsonl");
    Files.writeString(jf, jsonl);
    Cli.Run j = Cli.run("import", jf.toString(), "--repo", repo().toString());
    assertEquals(0, j.code(), j::toString);

    for (Map.Entry<String, Long> e : expected.entrySet()) {
      TargetFile t = published(e.getKey(), 16);
      assertEquals(e.getValue(), t.length(), e.getKey());
      assertEquals(sha256(e.getKey()), t.hashes().get("sha256"));
    }
    assertEquals(2, published("pkg/a-0.tar.gz", 16).hashes().size());
    assertEquals(1, published("pkg/a-1.tar.gz", 16).hashes().size());
    assertEquals(7, published("j/one", 16).length());
    assertEquals("{\"k\":\"v\"}", Jsons.text(published("j/two", 16).custom()));

    RepositoryVerifier.Report rep = verifyReport();
    assertTrue(rep.ok(), rep.problems()::toString);
    assertEquals(502, rep.targetCount());
    Cli.Run v = Cli.run("verify", "--repo", repo().toString(), "-o", "json");
    assertEquals(0, v.code(), v::toString);
    assertEquals(502, ((JsonNumber) Jsons.at(v.json(), "targets")).value());
  }

  @Test
  void
      import_beyondOneRound_partitionsByBin_signsEveryBinOnceInOnePublish_andKeepsTheLastRowOfAPath()
          throws Exception {
    init(64);
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      String p = "x/" + i;
      csv.append(p).append(',').append(i).append(',').append(sha256(p)).append('\n');
    }
    csv.append("x/7,777,").append(sha256("x/7")).append('\n'); // a later row for the same path wins
    csv.append("weird,path\\with,commas,5,").append(sha256("c")).append('\n');
    Path file = dir.resolve("rows.csv");
    Files.writeString(file, csv);
    Cli.Run r =
        Cli.run(
            "import",
            file.toString(),
            "--repo",
            repo().toString(),
            "--round-rows",
            "500",
            "--chunk",
            "200",
            "-o",
            "json");
    assertEquals(
        2, r.code(), r::toString); // the backslash path is refused before anything is published
    assertTrue(r.err().contains("line 3002") && r.err().contains("path"), r::toString);
    assertEquals(1, verifyReport().snapshotVersion(), "nothing was published");

    Files.writeString(
        file, csv.toString().replace("weird,path\\with,commas", "weird,path,with,commas"));
    r =
        Cli.run(
            "import",
            file.toString(),
            "--repo",
            repo().toString(),
            "--round-rows",
            "500",
            "--chunk",
            "200",
            "-o",
            "json");
    assertEquals(0, r.code(), r::toString);
    assertEquals(Boolean.TRUE.toString(), Jsons.text(Jsons.at(r.json(), "partitioned")));
    assertEquals(3001, ((JsonNumber) Jsons.at(r.json(), "artifacts")).value());
    assertEquals(
        64, ((JsonNumber) Jsons.at(r.json(), "bins_signed")).value(), "each bin signed once");
    assertEquals(
        1, ((JsonNumber) Jsons.at(r.json(), "publishes")).value(), "one snapshot and timestamp");
    assertEquals(777, published("x/7", 64).length());
    assertEquals(5, published("weird,path,with,commas", 64).length());
    RepositoryVerifier.Report rep = verifyReport();
    assertTrue(rep.ok(), rep.problems()::toString);
    assertEquals(3001, rep.targetCount());
    try (Stream<Path> s = Files.list(repo())) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().startsWith("import-spill")), "spill removed");
    }
  }

  @Test
  void import_badRow_namesTheLineAndField() throws Exception {
    init(4);
    Path file = dir.resolve("rows.csv");
    Files.writeString(file, "ok,1," + sha256("ok") + "\nbad,2,ABC\n");
    Cli.Run r = Cli.run("import", file.toString(), "--repo", repo().toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("line 2") && r.err().contains("hashes.sha256"), r::toString);
    Files.writeString(file, "nolength," + sha256("x") + "\n");
    r = Cli.run("import", file.toString(), "--repo", repo().toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.err().contains("line 1"), r::toString);
  }

  @Test
  void import_readsStandardInput_andNoPublishQueuesForALaterPublish() throws Exception {
    init(4);
    String rows = "in/a,3," + sha256("in/a") + "\n";
    Cli.Run r =
        Cli.run(
            rows.getBytes(StandardCharsets.UTF_8),
            Map.of(),
            "import",
            "-",
            "--repo",
            repo().toString(),
            "--no-publish");
    assertEquals(0, r.code(), r::toString);
    assertEquals(0, verifyReport().targetCount());
    Cli.Run p = Cli.run("publish", "--repo", repo().toString(), "-o", "json");
    assertEquals(0, p.code(), p::toString);
    assertEquals(1, ((JsonNumber) Jsons.at(p.json(), "added")).value());
    assertEquals(3, published("in/a", 4).length());
    Cli.Run again = Cli.run("publish", "--repo", repo().toString());
    assertEquals(0, again.code());
    assertTrue(again.out().contains("nothing to publish"), again::toString);
  }

  @Test
  void refresh_forcedTimestamp_bumpsOnlyTimestamp_andStillVerifies() {
    init(4);
    Cli.Run r =
        Cli.run("refresh", "--repo", repo().toString(), "--force", "timestamp", "-o", "json");
    assertEquals(0, r.code(), r::toString);
    assertEquals(2, ((JsonNumber) Jsons.at(r.json(), "timestamp_version")).value());
    assertEquals(1, ((JsonNumber) Jsons.at(r.json(), "snapshot_version")).value());
    Cli.Run plain = Cli.run("refresh", "--repo", repo().toString());
    assertEquals(0, plain.code(), plain::toString);
    assertTrue(verifyReport().ok());
    assertEquals(2, Cli.run("refresh", "--repo", repo().toString(), "--force", "root").code());
  }

  @Test
  void verify_listsEveryProblem_andExitsWith2() throws Exception {
    init(4);
    Path md = repo().resolve("metadata");
    // break two bins: one signature, one missing file
    Path b0 = md.resolve("1.bins-0.json");
    Files.writeString(b0, Files.readString(b0).replace("\"version\":1", "\"version\":1 "));
    String s = Files.readString(b0);
    // change the signature's first digit (to 0, or to 1 if it was 0: the key is new each run)
    int at = s.indexOf("\"sig\":\"") + "\"sig\":\"".length();
    char flipped = s.charAt(at) == '0' ? '1' : '0';
    Files.writeString(b0, s.substring(0, at) + flipped + s.substring(at + 1));
    Files.delete(md.resolve("1.bins-3.json"));
    Cli.Run r = Cli.run("verify", "--repo", repo().toString(), "-o", "json");
    assertEquals(2, r.code(), r::toString);
    String problems = Jsons.text(Jsons.at(r.json(), "problems"));
    assertTrue(problems.contains("bins-3"), problems);
    assertTrue(problems.contains("bins-0"), problems);
  }

  @Test
  void verify_fromAPinnedRoot_andWithoutARepository() throws Exception {
    init(4);
    Path root = dir.resolve("trusted.json");
    Files.copy(repo().resolve("metadata/1.root.json"), root);
    Cli.Run r =
        Cli.run(
            "verify",
            "--metadata-dir",
            repo().resolve("metadata").toString(),
            "--root",
            root.toString(),
            "--list-targets");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("OK"), r::toString);
    Cli.Run none = Cli.run("verify", "--repo", dir.resolve("nothing").toString());
    assertEquals(3, none.code(), none::toString);
    Cli.Run notRepo = Cli.run("publish", "--repo", dir.resolve("nothing").toString());
    assertEquals(2, notRepo.code(), notRepo::toString);
  }
}
