package dev.tufrepo.conformance;

import dev.sigstore.tuf.FileSystemTufStore;
import dev.sigstore.tuf.HttpFetcher;
import dev.sigstore.tuf.MetaFetcher;
import dev.sigstore.tuf.PassthroughCacheMetaStore;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.TrustedMetaStore;
import dev.sigstore.tuf.Updater;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TUF updater of sigstore-java 2.0.0, in this JVM. It reads the root chain, timestamp, snapshot
 * and top-level targets, always with consistent-snapshot names, and downloads only targets listed
 * in the top-level targets: it does not follow delegations, so it is given only top-level targets
 * to find. Its clock is injected, so expiry follows the test's clock.
 */
final class SigstoreJavaClient implements TufClient {
  @Override
  public String name() {
    return "sigstore-java";
  }

  @Override
  public boolean followsDelegations() {
    return false;
  }

  @Override
  public ClientRun update(Session session, Instant now, Expectation expect) {
    List<String> downloaded = new ArrayList<>();
    try {
      Path md = session.metadataDir();
      Files.createDirectories(md);
      Files.createDirectories(session.targetDir());
      if (!Files.exists(md.resolve("root.json"))) {
        Files.copy(session.initialRoot(), md.resolve("root.json"));
      }
      FileSystemTufStore store = FileSystemTufStore.newFileSystemStore(md, session.targetDir());
      Updater updater =
          Updater.builder()
              .setClock(Clock.fixed(now, ZoneOffset.UTC))
              .setTrustedMetaStore(
                  TrustedMetaStore.newTrustedMetaStore(
                      PassthroughCacheMetaStore.newPassthroughMetaCache(store)))
              .setTrustedRootPath(RootProvider.fromFile(md.resolve("root.json")))
              .setMetaFetcher(
                  MetaFetcher.newFetcher(HttpFetcher.newFetcher(URI.create(session.metadataUrl()))))
              .setTargetFetcher(HttpFetcher.newFetcher(URI.create(session.targetsUrl())))
              .setTargetStore(store)
              .build();
      updater.updateMeta();
      for (Map.Entry<String, byte[]> e : expect.present().entrySet()) {
        updater.downloadTarget(e.getKey());
        byte[] got = store.readTarget(e.getKey());
        if (!Arrays.equals(got, e.getValue())) {
          throw new IllegalStateException("target " + e.getKey() + ": wrong bytes downloaded");
        }
        downloaded.add(e.getKey());
      }
      if (!expect.absent().isEmpty()) {
        throw new IllegalArgumentException("sigstore-java cannot look targets up in bins");
      }
      return new ClientRun(name(), true, null, null, versions(md), downloaded);
    } catch (Exception e) {
      return new ClientRun(
          name(),
          false,
          e.getClass().getSimpleName(),
          String.valueOf(e.getMessage()),
          versions(session.metadataDir()),
          downloaded);
    }
  }

  private static Map<String, Integer> versions(Path md) {
    Map<String, Integer> out = new HashMap<>();
    for (String role : List.of("root", "timestamp", "snapshot", "targets")) {
      Path f = md.resolve(role + ".json");
      if (Files.isRegularFile(f)) {
        try {
          JsonObject signed =
              (JsonObject) ((JsonObject) Json.parse(Files.readAllBytes(f))).get("signed");
          out.put(role, (int) ((JsonNumber) signed.get("version")).value());
        } catch (Exception e) {
          out.put(role, -1);
        }
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
