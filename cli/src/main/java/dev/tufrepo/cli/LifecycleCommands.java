package dev.tufrepo.cli;

import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonNumber;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Metadata lifecycle commands against a server: signing sessions, forced online bumps, the expiry
 * settings and custom delegations.
 */
final class LifecycleCommands {
  private LifecycleCommands() {}

  /** Submits {@code body} and finishes like every task command. */
  static void submit(
      Cmd cmd,
      Io io,
      ServerOptions server,
      TaskCommands.WaitOptions w,
      String method,
      String path,
      JsonValue body,
      String text) {
    ApiClient api = server.client(io);
    String id = api.submit(method, path, body);
    TaskCommands.finish(
        cmd, io, api, id, w, Jsons.obj("task_id", id), text + ", task " + id + "\n");
  }

  @Command(
      name = "stop-sign",
      mixinStandardHelpOptions = true,
      description = {
        "Abandons the signing session of ROLE (POST /api/v1/metadata/sign/delete).",
        "For a pending root update the trusted root stays; for a pending bootstrap the",
        "repository goes back to not bootstrapped."
      })
  static final class StopSign extends Cmd {
    @Mixin ServerOptions server;
    @Mixin TaskCommands.WaitOptions waitOptions;

    @Parameters(paramLabel = "ROLE", description = "The pending role, e.g. root.")
    String role;

    StopSign(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      submit(
          this,
          io,
          server,
          waitOptions,
          "POST",
          "api/v1/metadata/sign/delete",
          Jsons.obj("role", role),
          "stopped signing " + role);
    }
  }

  @Command(
      name = "pending",
      mixinStandardHelpOptions = true,
      description = {
        "Shows what waits for signatures (GET /api/v1/metadata/sign).",
        "Per role: version, expiry, signatures present, keyids and thresholds of the new and the",
        "trusted role."
      })
  static final class Pending extends Cmd {
    @Mixin ServerOptions server;

    Pending(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      ApiClient api = server.client(io);
      ApiClient.Response r = api.get("api/v1/metadata/sign");
      if (r.status() != 200) {
        throw api.failure("GET", "api/v1/metadata/sign", r);
      }
      JsonValue pending = Jsons.at(r.body(), "data", "metadata");
      List<JsonValue> rows = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      if (pending instanceof JsonObject o) {
        for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
          if (e.getKey().startsWith("trusted_")) {
            continue;
          }
          JsonValue md = e.getValue();
          List<String> signedBy = new ArrayList<>();
          if (Jsons.at(md, "signatures") instanceof JsonArray sigs) {
            for (JsonValue s : sigs.values()) {
              String k = Jsons.string(s, "keyid");
              if (k != null) {
                signedBy.add(k);
              }
            }
          }
          JsonValue version = Jsons.at(md, "signed", "version");
          String expires = Jsons.string(md, "signed", "expires");
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("role", e.getKey());
          row.put("version", version);
          row.put("expires", expires);
          row.put("signed_by", signedBy);
          JsonValue own = Jsons.at(md, "signed", "roles", e.getKey());
          JsonValue trusted = Jsons.at(o, "trusted_" + e.getKey(), "signed", "roles", e.getKey());
          String needs = "";
          if (own != null) {
            row.put("threshold", Jsons.at(own, "threshold"));
            row.put("keyids", Jsons.at(own, "keyids"));
            needs = " (threshold " + Jsons.text(Jsons.at(own, "threshold")) + " of the new role";
            if (trusted != null) {
              row.put("trusted_threshold", Jsons.at(trusted, "threshold"));
              row.put("trusted_keyids", Jsons.at(trusted, "keyids"));
              needs += ", " + Jsons.text(Jsons.at(trusted, "threshold")) + " of the trusted role";
            }
            needs += ")";
          }
          rows.add(Jsons.of(row));
          text.append(e.getKey())
              .append(" v")
              .append(Jsons.text(version))
              .append(": ")
              .append(signedBy.size())
              .append(" signature(s)")
              .append(needs)
              .append(signedBy.isEmpty() ? "" : ", signed by " + String.join(", ", signedBy))
              .append('\n');
        }
      }
      if (rows.isEmpty()) {
        text.append("nothing waits for signatures\n");
      }
      print(Jsons.obj("pending", rows), text.toString());
    }
  }

  @Command(
      name = "online",
      mixinStandardHelpOptions = true,
      description = {
        "Forces new versions of online roles now (POST /api/v1/metadata/online).",
        "ROLE: targets, snapshot, timestamp, bins (hash bins) or a custom delegated role;",
        "none = every online role."
      })
  static final class Online extends Cmd {
    @Mixin ServerOptions server;
    @Mixin TaskCommands.WaitOptions waitOptions;

    @Parameters(paramLabel = "ROLE", arity = "0..*")
    List<String> roles = new ArrayList<>();

    Online(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      submit(
          this,
          io,
          server,
          waitOptions,
          "POST",
          "api/v1/metadata/online",
          Jsons.obj("roles", roles),
          "bump " + (roles.isEmpty() ? "of every online role" : String.join(", ", roles)));
    }
  }

  @Command(
      name = "config",
      mixinStandardHelpOptions = true,
      description = "The repository settings (GET/PUT /api/v1/config).",
      subcommands = {ConfigCmds.Show.class, ConfigCmds.SetExpiration.class})
  static final class ConfigCmds extends Group {
    @Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Shows the settings: expirations, thresholds, bins, online key.")
    static final class Show extends Cmd {
      @Mixin ServerOptions server;

      Show(Io io) {
        super(io);
      }

      @Override
      protected void run() {
        ApiClient api = server.client(io);
        ApiClient.Response r = api.get("api/v1/config");
        if (r.status() != 200) {
          throw api.failure("GET", "api/v1/config", r);
        }
        JsonValue data = Jsons.at(r.body(), "data");
        StringBuilder text = new StringBuilder();
        if (data instanceof JsonObject o) {
          o.members()
              .forEach((k, v) -> text.append(k).append('=').append(Jsons.text(v)).append('\n'));
        }
        print(data, text.toString());
      }
    }

    @Command(
        name = "set-expiration",
        mixinStandardHelpOptions = true,
        description = {
          "Sets how many days new versions of roles are valid (PUT /api/v1/config).",
          "Online roles get the new period at their next version; root and offline roles at their",
          "next signing."
        })
    static final class SetExpiration extends Cmd {
      @Mixin ServerOptions server;
      @Mixin TaskCommands.WaitOptions waitOptions;

      @Parameters(paramLabel = "ROLE=DAYS", arity = "1..*")
      List<String> settings;

      SetExpiration(Io io) {
        super(io);
      }

      @Override
      protected void run() {
        Map<String, Object> days = new LinkedHashMap<>();
        for (String s : settings) {
          int eq = s.indexOf('=');
          if (eq <= 0) {
            throw CliException.invalid("ROLE=DAYS: expected role=days, got \"" + s + "\"");
          }
          String role = s.substring(0, eq).strip();
          int n;
          try {
            n = Integer.parseInt(s.substring(eq + 1).strip());
          } catch (NumberFormatException e) {
            throw CliException.invalid(role + ": days must be a whole number, got \"" + s + "\"");
          }
          if (n < 1) {
            throw CliException.invalid(role + ": days must be 1 or more, got " + n);
          }
          days.put(role, new JsonNumber(n));
        }
        submit(
            this,
            io,
            server,
            waitOptions,
            "PUT",
            "api/v1/config",
            Jsons.obj("settings", Jsons.obj("expiration", days)),
            "expiration " + days);
      }
    }
  }

  @Command(
      name = "delegations",
      mixinStandardHelpOptions = true,
      description = {
        "Custom delegated roles (repositories bootstrapped with --delegations, not hash bins).",
        "FILE holds RSTUF's TUFDelegations (or {\"delegations\": ...} around it):",
        "{\"keys\": {KEYID: KEY}, \"roles\": [{\"name\", \"terminating\", \"keyids\", \"threshold\",",
        "\"paths\", \"x-rstuf-expire-policy\"}]}. A refused role fails the command (exit 2)."
      },
      subcommands = {
        DelegationCmds.Add.class,
        DelegationCmds.Update.class,
        DelegationCmds.Delete.class
      })
  static final class DelegationCmds extends Group {
    static JsonValue load(Path file) {
      JsonValue v = AdminCommands.readJson(file);
      JsonValue inner = Jsons.at(v, "delegations");
      JsonValue d = inner != null ? inner : v;
      if (!(Jsons.at(d, "roles") instanceof JsonArray)) {
        throw CliException.invalid(file + ": roles is missing (expected TUFDelegations JSON)");
      }
      return d;
    }

    abstract static class Change extends Cmd {
      @Mixin ServerOptions server;
      @Mixin TaskCommands.WaitOptions waitOptions;

      @Parameters(paramLabel = "FILE")
      Path file;

      Change(Io io) {
        super(io);
      }

      abstract String method();

      @Override
      protected void run() {
        JsonValue d = load(file);
        List<String> names = new ArrayList<>();
        for (JsonValue r : ((JsonArray) Jsons.at(d, "roles")).values()) {
          names.add(Jsons.string(r, "name"));
        }
        submit(
            this,
            io,
            server,
            waitOptions,
            method(),
            "api/v1/delegations",
            Jsons.obj("delegations", d),
            (method().equals("PUT") ? "update " : "add ") + String.join(", ", names));
      }
    }

    @Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = {
          "Adds delegated roles (POST /api/v1/delegations).",
          "Roles the online key signs are published at once; others wait for signatures",
          "(tufrepo admin metadata pending, tufrepo admin metadata sign --role NAME)."
        })
    static final class Add extends Change {
      Add(Io io) {
        super(io);
      }

      @Override
      String method() {
        return "POST";
      }
    }

    @Command(
        name = "update",
        mixinStandardHelpOptions = true,
        description = "Updates delegated roles: keys, threshold, paths (PUT /api/v1/delegations).")
    static final class Update extends Change {
      Update(Io io) {
        super(io);
      }

      @Override
      String method() {
        return "PUT";
      }
    }

    @Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = {
          "Deletes delegated roles (POST /api/v1/delegations/delete). A deleted name is never reused."
        })
    static final class Delete extends Cmd {
      @Mixin ServerOptions server;
      @Mixin TaskCommands.WaitOptions waitOptions;

      @Parameters(paramLabel = "NAME", arity = "1..*")
      List<String> names;

      Delete(Io io) {
        super(io);
      }

      @Override
      protected void run() {
        List<JsonValue> roles = new ArrayList<>();
        names.forEach(n -> roles.add(Jsons.obj("name", n)));
        submit(
            this,
            io,
            server,
            waitOptions,
            "POST",
            "api/v1/delegations/delete",
            Jsons.obj("delegations", Jsons.obj("roles", roles)),
            "delete " + String.join(", ", names));
      }
    }
  }
}
