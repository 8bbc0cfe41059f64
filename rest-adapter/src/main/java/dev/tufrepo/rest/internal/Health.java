package dev.tufrepo.rest.internal;

import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.keyvault.KeyVault;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import dev.tufrepo.storage.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Readiness: the state store answers, the published metadata can be read, and the online key can be
 * loaded from the key vault (checked again only when the root changes).
 */
public final class Health {
  private final RepositoryEngine engine;
  private final MetadataStore metadata;
  private final KeyVault keyVault;
  private int rootVersion = 1;
  private String keyCheckedFor;

  public Health(RepositoryEngine engine, MetadataStore metadata, KeyVault keyVault) {
    this.engine = engine;
    this.metadata = metadata;
    this.keyVault = keyVault;
  }

  /** Check name to "ok" or the reason it failed; ready when every value is "ok". */
  public synchronized Map<String, String> ready() {
    Map<String, String> checks = new LinkedHashMap<>();
    try {
      engine.bootstrapState();
      checks.put("state_store", "ok");
    } catch (RuntimeException e) {
      checks.put("state_store", "failed: " + e.getMessage());
    }
    Optional<RepositorySettings> settings = Optional.empty();
    try {
      settings = engine.settings();
      if (settings.isPresent() && metadata.read(MetadataStore.TIMESTAMP).isEmpty()) {
        checks.put("storage", "failed: timestamp.json is missing");
      } else {
        metadata.read("1.root.json");
        checks.put("storage", "ok");
      }
    } catch (RuntimeException e) {
      checks.put("storage", "failed: " + e.getMessage());
    }
    if (settings.isEmpty()) {
      checks.put("online_key", "ok");
      return checks;
    }
    try {
      checks.put("online_key", checkOnlineKey(settings.get()));
    } catch (RuntimeException e) {
      keyCheckedFor = null;
      checks.put("online_key", "failed: " + e.getMessage());
    }
    return checks;
  }

  private String checkOnlineKey(RepositorySettings s) {
    Metadata<Root> root = latestRoot();
    String marker = root.signed().version() + "/" + s.onlineKeyId() + "/" + s.onlineKeyUri();
    if (marker.equals(keyCheckedFor)) {
      return "ok";
    }
    Key key = root.signed().keys().get(s.onlineKeyId());
    if (key == null) {
      return "failed: the online key is not in root v" + root.signed().version();
    }
    if (!keyVault.supports(s.onlineKeyUri())) {
      return "failed: no key vault for " + s.onlineKeyUri();
    }
    byte[] probe = ("tufrepo readiness " + marker).getBytes(StandardCharsets.UTF_8);
    dev.tufrepo.model.Signature sig = keyVault.signer(s.onlineKeyUri(), key).sign(probe);
    if (!key.verify(probe, sig.sig())) {
      return "failed: the key vault's signer does not match the online key " + s.onlineKeyId();
    }
    keyCheckedFor = marker;
    return "ok";
  }

  private Metadata<Root> latestRoot() {
    byte[] bytes = metadata.read(rootVersion + ".root.json").orElse(null);
    if (bytes == null) {
      rootVersion = 1;
      bytes = metadata.read("1.root.json").orElseThrow(() -> new IllegalStateException("no root"));
    }
    while (true) {
      Optional<byte[]> next = metadata.read((rootVersion + 1) + ".root.json");
      if (next.isEmpty()) {
        break;
      }
      rootVersion++;
      bytes = next.get();
    }
    return Metadata.parseRoot(bytes);
  }
}
