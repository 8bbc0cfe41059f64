package dev.tufrepo.rest;

import dev.tufrepo.engine.TestRepository;
import dev.tufrepo.json.Json;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Root;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bootstrap payloads shaped the way {@code rstuf admin ceremony --out} writes them (the reference's
 * example): settings with both {@code bins} and {@code delegations} keys, one of them null; the
 * signed root; a timeout.
 */
final class Ceremony {
  private Ceremony() {}

  static String rootJson(Metadata<Root> root) {
    return new String(root.toJson(), StandardCharsets.UTF_8);
  }

  static String payload(String rootJson, int bins) {
    return """
        {
          "settings": {
            "roles": {
              "root": {"expiration": 365},
              "timestamp": {"expiration": 1},
              "snapshot": {"expiration": 1},
              "targets": {"expiration": 365},
              "bins": {"expiration": 1, "number_of_delegated_bins": %d},
              "delegations": null
            }
          },
          "metadata": {"root": %s},
          "timeout": 300
        }
        """
        .formatted(bins, rootJson);
  }

  /** A fully signed root (threshold = all root keys) in a ceremony payload. */
  static String payload(TestRepository repo, int bins) {
    return payload(rootJson(repo.root(repo.rootKeys.size(), repo.rootKeys)), bins);
  }

  /** Root with threshold 2 and only the first key's signature: a DAS bootstrap. */
  static Metadata<Root> partlySigned(TestRepository repo) {
    List<PrivateKeySigner> first = List.of(repo.rootKeys.get(0));
    return repo.root(2, first);
  }

  static String artifacts(String... paths) {
    StringBuilder b = new StringBuilder("{\"artifacts\": [");
    for (int i = 0; i < paths.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      byte[] content = ("content of " + paths[i]).getBytes(StandardCharsets.UTF_8);
      b.append("{\"path\": ")
          .append(
              new String(
                  Json.write(new dev.tufrepo.json.JsonString(paths[i])), StandardCharsets.UTF_8))
          .append(", \"info\": {\"length\": ")
          .append(content.length)
          .append(", \"hashes\": {\"sha256\": \"")
          .append(dev.tufrepo.model.internal.Sha256.hex(content))
          .append("\"}, \"custom\": null}}");
    }
    return b.append("], \"add_task_id_to_custom\": false, \"publish_artifacts\": true}").toString();
  }
}
