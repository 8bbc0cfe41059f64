package dev.tufrepo.rest.internal;

import static dev.tufrepo.rest.internal.Checker.child;

import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Root;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks of the metadata parts of RSTUF payloads ({@code TUFMetadata}, {@code TUFDelegations}):
 * shapes as RSTUF's models require them, extension field names, and a strict parse of a root with
 * our model. A root is passed on as the exact bytes it had in the request (never re-serialized);
 * its signatures are verified over the canonical bytes of {@code signed} (never over JSON-B
 * output).
 */
final class MetadataPayloads {
  private static final Set<String> SIGNED_FIELDS =
      Set.of(
          "_type",
          "version",
          "spec_version",
          "expires",
          "keys",
          "consistent_snapshot",
          "roles",
          "meta",
          "targets",
          "delegations");
  static final Pattern ROLE_NAME = Pattern.compile("[a-zA-Z0-9_-]+");

  private MetadataPayloads() {}

  /** {@code TUFMetadata}: {@code signatures} list and {@code signed} object, vendor fields only. */
  static JsonObject metadata(Checker c, JsonObject parent, String name, List<Object> at) {
    JsonObject md = c.object(parent, name, at, true);
    if (md == null) {
      return null;
    }
    JsonArray sigs = c.list(md, "signatures", child(at, "signatures"), true);
    if (sigs != null) {
      for (int i = 0; i < sigs.values().size(); i++) {
        List<Object> sat = child(child(at, "signatures"), i);
        JsonValue s = sigs.values().get(i);
        if (s instanceof JsonObject so) {
          c.string(so, "keyid", child(sat, "keyid"), true);
          c.string(so, "sig", child(sat, "sig"), true);
        } else {
          c.add("model_attributes_type", sat, "Input should be a valid dictionary", s);
        }
      }
    }
    JsonObject signed = c.object(md, "signed", child(at, "signed"), true);
    if (signed != null) {
      c.string(signed, "_type", child(child(at, "signed"), "_type"), true);
      c.integer(signed, "version", child(child(at, "signed"), "version"), true);
      c.string(signed, "spec_version", child(child(at, "signed"), "spec_version"), true);
      c.string(signed, "expires", child(child(at, "signed"), "expires"), true);
      for (String field : signed.members().keySet()) {
        if (!SIGNED_FIELDS.contains(field) && !isVendorField(field)) {
          c.valueError(
              child(at, "signed"),
              "Invalid: '"
                  + field
                  + "' field name, unrecognized_field must use format x-<vendor>-<name>",
              signed);
        }
      }
    }
    return md;
  }

  /** RSTUF's rule for extension names: starts with "x" and has at least 3 '-'-separated parts. */
  static boolean isVendorField(String name) {
    return name.startsWith("x") && name.split("-", -1).length >= 3;
  }

  /**
   * The bytes of the root at {@code at} (like {@code ["body", "metadata", "root"]}) exactly as they
   * are in the request {@code body}, whitespace, member order and escapes included: what is
   * published is what the client sent, never a re-serialization. The root is parsed strictly with
   * our model; a 422 naming the field when it does not parse.
   */
  static byte[] rootBytes(Checker c, byte[] body, JsonObject root, List<Object> at) {
    byte[] bytes = receivedBytes(body, root, at);
    try {
      Metadata<Root> parsed = Metadata.parseRoot(bytes);
      if (!"root".equals(parsed.type())) {
        c.valueError(child(child(at, "signed"), "_type"), "must be \"root\"", root);
      }
    } catch (dev.tufrepo.TufException e) {
      c.valueError(at, e.getMessage(), root);
    }
    return bytes;
  }

  /**
   * The slice of {@code body} holding the value at {@code at}, which was checked as {@code value}.
   * The body has already been parsed strictly (duplicate keys refused), so the slice is there and
   * parses to that same value; both are checked anyway, so that what was validated is always what
   * is handed on.
   */
  private static byte[] receivedBytes(byte[] body, JsonValue value, List<Object> at) {
    String[] names = new String[at.size() - 1]; // after "body"
    for (int i = 1; i < at.size(); i++) {
      names[i - 1] = (String) at.get(i);
    }
    byte[] bytes =
        Json.locate(body, names)
            .map(span -> span.copyOf(body))
            .orElseThrow(() -> new IllegalStateException("no value at " + at + " in the body"));
    if (!Json.parse(bytes).equals(value)) {
      throw new IllegalStateException("the bytes at " + at + " are not the value checked");
    }
    return bytes;
  }

  /** {@code TUFDelegations} for add/update/bootstrap: keys and roles with their fields. */
  static void delegations(Checker c, JsonObject d, List<Object> at, boolean forDelete) {
    if (!forDelete) {
      JsonObject keys = c.dict(d, "keys", child(at, "keys"), true);
      if (keys != null) {
        for (var e : keys.members().entrySet()) {
          List<Object> kat = child(child(at, "keys"), e.getKey());
          if (e.getValue() instanceof JsonObject k) {
            c.string(k, "keytype", child(kat, "keytype"), true);
            c.string(k, "scheme", child(kat, "scheme"), true);
            c.dict(k, "keyval", child(kat, "keyval"), true);
          } else {
            c.add("model_attributes_type", kat, "Input should be a valid dictionary", e.getValue());
          }
        }
      }
    }
    JsonArray roles = c.list(d, "roles", child(at, "roles"), true);
    if (roles == null) {
      return;
    }
    if (roles.values().isEmpty()) {
      c.add(
          "too_short",
          child(at, "roles"),
          "List should have at least 1 item after validation, not 0",
          roles);
    }
    for (int i = 0; i < roles.values().size(); i++) {
      List<Object> rat = child(child(at, "roles"), i);
      if (!(roles.values().get(i) instanceof JsonObject r)) {
        c.add("model_attributes_type", rat, "Input should be a valid dictionary", roles.values());
        continue;
      }
      String name = c.string(r, "name", child(rat, "name"), true);
      if (name != null && !ROLE_NAME.matcher(name).matches()) {
        c.valueError(
            child(rat, "name"), "role names may only use letters, digits, '_' and '-'", name);
      }
      if (forDelete) {
        continue;
      }
      c.bool(r, "terminating", child(rat, "terminating"), true);
      JsonArray keyids = c.list(r, "keyids", child(rat, "keyids"), true);
      if (keyids != null) {
        for (int k = 0; k < keyids.values().size(); k++) {
          c.string(keyids.values().get(k), child(child(rat, "keyids"), k));
        }
      }
      c.intGreaterThan(r, "threshold", child(rat, "threshold"), true, 0);
      JsonArray paths = c.list(r, "paths", child(rat, "paths"), true);
      if (paths != null) {
        if (paths.values().isEmpty()) {
          c.add(
              "too_short",
              child(rat, "paths"),
              "List should have at least 1 item after validation, not 0",
              paths);
        }
        for (int p = 0; p < paths.values().size(); p++) {
          String s = c.string(paths.values().get(p), child(child(rat, "paths"), p));
          if (s != null && s.isEmpty()) {
            c.add(
                "string_too_short",
                child(child(rat, "paths"), p),
                "String should have at least 1 character",
                s);
          }
        }
      }
      c.intGreaterThan(r, "x-rstuf-expire-policy", child(rat, "x-rstuf-expire-policy"), false, 0);
    }
  }
}
