package dev.tufrepo.cli;

import dev.tufrepo.TufException;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.PrivateKeySigner;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tufrepo admin ...}: ceremony, bootstrap, root rotation and signing. */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description =
        "Key ceremony, bootstrap, root rotation, signing, settings and custom delegations.",
    subcommands = {
      AdminCommands.CeremonyCmd.class,
      AdminCommands.Send.class,
      AdminCommands.MetadataCmds.class,
      LifecycleCommands.ConfigCmds.class,
      LifecycleCommands.DelegationCmds.class,
      AdminCommands.PayloadCmds.class
    })
final class AdminCommands extends Group {

  static Path writePayload(Path out, JsonValue payload) {
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, PrettyJson.write(payload));
      return out;
    } catch (java.io.IOException e) {
      throw CliException.io("cannot write " + out + ": " + e, e);
    }
  }

  static JsonValue readJson(Path file) {
    return parseJson(file, readBytes(file));
  }

  static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw CliException.io("cannot read " + file + ": " + e, e);
    }
  }

  static JsonValue parseJson(Path file, byte[] b) {
    try {
      return Json.parse(b);
    } catch (TufException e) {
      throw CliException.invalid(file + ": not valid JSON: " + e.getMessage());
    }
  }

  @Command(
      name = "ceremony",
      mixinStandardHelpOptions = true,
      description = {
        "The key ceremony: root keys and threshold, online key, expirations, hash bins (or --delegations).",
        "Writes the bootstrap payload as rstuf admin ceremony does; send it with tufrepo admin send bootstrap.",
        "Asks interactively for everything not given, unless --answers FILE or --yes."
      })
  static final class CeremonyCmd extends Cmd {
    @Mixin CeremonyOptions ceremony;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        defaultValue = "ceremony-payload.json",
        description = "Where to write the payload (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(
        names = {"-y", "--yes"},
        description = "Ask nothing: options, answers file and defaults only.")
    boolean yes;

    @Option(
        names = {"-t", "--timeout"},
        defaultValue = "300",
        description = "The payload's bootstrap timeout in seconds (default ${DEFAULT-VALUE}).")
    int timeout;

    @Option(
        names = "--delegations",
        paramLabel = "FILE",
        description = {
          "Custom delegated roles instead of hash bins: RSTUF's TUFDelegations JSON",
          "({\"keys\", \"roles\": [{\"name\", \"terminating\", \"keyids\", \"threshold\", \"paths\",",
          "\"x-rstuf-expire-policy\"}]}). A keyid written \"online\" becomes the online key."
        })
    Path delegations;

    CeremonyCmd(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      boolean interactive = !yes && ceremony.answers == null;
      Prompter prompter = interactive ? new Prompter(io) : null;
      if (interactive) {
        prompter.say("tufrepo key ceremony (answers in [brackets] are defaults)");
      }
      Ceremony.Spec spec = ceremony.resolve(Path.of("ceremony-keys"), null, prompter, timeout);
      Ceremony.Result r = Ceremony.run(spec, Instant.now());
      JsonObject payload = r.payload();
      if (delegations != null) {
        payload = withDelegations(payload, delegations, r.onlineKey().keyId());
      }
      writePayload(out, payload);
      List<String> files = new ArrayList<>();
      r.written().forEach(p -> files.add(p.toString()));
      JsonObject data =
          Jsons.obj(
              "payload", out.toString(),
              "root_keys", r.root().signed().role("root").keyids(),
              "root_threshold", r.root().signed().role("root").threshold(),
              "signatures", r.signatures(),
              "online_key", r.onlineKey().keyId(),
              "online_key_uri", r.onlineKeyUri(),
              "key_files", files);
      StringBuilder text = new StringBuilder(Ceremony.review(r));
      for (String f : files) {
        text.append("wrote key ").append(f).append(" (0600)\n");
      }
      text.append("wrote bootstrap payload ").append(out).append('\n');
      text.append("next: tufrepo admin send bootstrap ").append(out).append(" --api-server URL\n");
      if (r.onlineKeyUri().startsWith("fn:")) {
        text.append("the server must find the online private key as ")
            .append(r.onlineKeyUri().substring(3))
            .append(" in its key directory\n");
      }
      print(data, text.toString());
    }
  }

  /**
   * {@code payload} with {@code settings.roles.delegations} from {@code file} instead of bins;
   * keyid {@code "online"} is replaced by the online key (added to {@code keys}).
   */
  static JsonObject withDelegations(JsonObject payload, Path file, String onlineKeyId) {
    JsonObject d = (JsonObject) LifecycleCommands.DelegationCmds.load(file);
    Map<String, JsonValue> keys = new LinkedHashMap<>();
    if (d.get("keys") instanceof JsonObject k) {
      keys.putAll(k.members());
    }
    List<JsonValue> roles = new ArrayList<>();
    boolean usesOnline = false;
    for (JsonValue role : ((dev.tufrepo.json.JsonArray) d.get("roles")).values()) {
      if (!(role instanceof JsonObject ro)) {
        throw CliException.invalid(file + ": roles: every role must be an object");
      }
      Map<String, JsonValue> m = new LinkedHashMap<>(ro.members());
      if (m.get("keyids") instanceof dev.tufrepo.json.JsonArray ids) {
        List<JsonValue> fixed = new ArrayList<>();
        for (JsonValue id : ids.values()) {
          if (id instanceof JsonString str && str.value().equals("online")) {
            fixed.add(new JsonString(onlineKeyId));
            usesOnline = true;
          } else {
            fixed.add(id);
          }
        }
        m.put("keyids", new dev.tufrepo.json.JsonArray(fixed));
      }
      roles.add(JsonObject.of(m));
    }
    if (usesOnline) {
      JsonValue k = Jsons.at(payload, "metadata", "root", "signed", "keys", onlineKeyId);
      keys.put(onlineKeyId, k);
    }
    Map<String, JsonValue> nd = new LinkedHashMap<>(d.members());
    nd.put("keys", JsonObject.of(keys));
    nd.put("roles", new dev.tufrepo.json.JsonArray(roles));
    Map<String, JsonValue> top = new LinkedHashMap<>(payload.members());
    Map<String, JsonValue> settings =
        new LinkedHashMap<>(((JsonObject) payload.get("settings")).members());
    Map<String, JsonValue> rs = new LinkedHashMap<>(((JsonObject) settings.get("roles")).members());
    rs.put("bins", dev.tufrepo.json.JsonNull.INSTANCE);
    rs.put("delegations", JsonObject.of(nd));
    settings.put("roles", JsonObject.of(rs));
    top.put("settings", JsonObject.of(settings));
    return JsonObject.of(top);
  }

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description = "Send a payload file to the server.",
      subcommands = {Send.Bootstrap.class, Send.Update.class, Send.Sign.class})
  static final class Send extends Group {
    abstract static class SendFile extends Cmd {
      @Mixin ServerOptions server;
      @Mixin TaskCommands.WaitOptions waitOptions;

      @Parameters(paramLabel = "PAYLOAD")
      Path payload;

      SendFile(Io io) {
        super(io);
      }

      abstract String path();

      @Override
      protected void run() {
        byte[] body = readBytes(payload);
        parseJson(payload, body); // refuse a file that is not JSON before sending it
        ApiClient api = server.client(io);
        // the file's bytes as they are: the server publishes a payload's root exactly as received
        String id = api.submitRaw(path(), body);
        TaskCommands.finish(
            this,
            io,
            api,
            id,
            waitOptions,
            Jsons.obj("task_id", id),
            "sent " + payload + ", task " + id + "\n");
      }
    }

    @Command(
        name = "bootstrap",
        mixinStandardHelpOptions = true,
        description = "POST a ceremony payload file, as it is, to /api/v1/bootstrap/.")
    static final class Bootstrap extends SendFile {
      Bootstrap(Io io) {
        super(io);
      }

      @Override
      String path() {
        return "api/v1/bootstrap/";
      }
    }

    @Command(
        name = "update",
        mixinStandardHelpOptions = true,
        description = "POST a root update payload file, as it is, to /api/v1/metadata/.")
    static final class Update extends SendFile {
      Update(Io io) {
        super(io);
      }

      @Override
      String path() {
        return "api/v1/metadata/";
      }
    }

    @Command(
        name = "sign",
        mixinStandardHelpOptions = true,
        description = "POST a signature payload to /api/v1/metadata/sign.")
    static final class Sign extends SendFile {
      Sign(Io io) {
        super(io);
      }

      @Override
      String path() {
        return "api/v1/metadata/sign";
      }
    }
  }

  @Command(
      name = "metadata",
      mixinStandardHelpOptions = true,
      description =
          "Root metadata update (rotation), signing sessions and forced bumps of online roles.",
      subcommands = {
        MetadataCmds.Update.class,
        MetadataCmds.Sign.class,
        LifecycleCommands.Pending.class,
        LifecycleCommands.StopSign.class,
        LifecycleCommands.Online.class
      })
  static final class MetadataCmds extends Group {

    @Command(
        name = "update",
        mixinStandardHelpOptions = true,
        description = {
          "Makes root v(N+1) from the current root: expiry, threshold, root keys, online key;",
          "signs it with the given keys, writes the payload and, with --send, posts it to /api/v1/metadata/."
        })
    static final class Update extends Cmd {
      @Mixin ServerOptions server;
      @Mixin TaskCommands.WaitOptions waitOptions;

      @Option(names = "--in", paramLabel = "FILE", description = "The current root metadata file.")
      Path in;

      @Option(
          names = "--metadata-url",
          paramLabel = "URL",
          description = "Fetch the current root from here (1.root.json, 2.root.json, ...).")
      String metadataUrl;

      @Option(
          names = "--expiration",
          paramLabel = "DAYS",
          description =
              "New root expires this many days from now (default: keep, or 365 if expired).")
      Integer expiration;

      @Option(names = "--threshold", paramLabel = "N", description = "New root threshold.")
      Integer threshold;

      @Option(
          names = "--add-key",
          paramLabel = "KEY",
          description = "Add a root key: PEM file or generate[:TYPE[:NAME]]. Repeatable.")
      List<String> addKeys = new ArrayList<>();

      @Option(
          names = "--remove-key",
          paramLabel = "KEYID",
          description = "Remove a root key. Repeatable.")
      List<String> removeKeys = new ArrayList<>();

      @Option(
          names = "--online-key",
          paramLabel = "KEY",
          description = "Replace the online key: PEM file or generate[:TYPE].")
      String onlineKey;

      @Option(
          names = "--online-key-uri",
          paramLabel = "URI",
          description = "The new online key's URI (default fn:<keyid>).")
      String onlineKeyUri;

      @Option(
          names = "--keys-dir",
          paramLabel = "DIR",
          defaultValue = "ceremony-keys",
          description = "Where generated keys are written (default ${DEFAULT-VALUE}).")
      Path keysDir;

      @Option(
          names = {"-k", "--key"},
          paramLabel = "PEM",
          description = "Sign with this private key (old or new root key). Repeatable.")
      List<Path> keys = new ArrayList<>();

      @Option(
          names = "--out",
          paramLabel = "FILE",
          defaultValue = "update-payload.json",
          description = "Where to write the payload (default ${DEFAULT-VALUE}).")
      Path out;

      @Option(names = "--send", description = "Post the payload to the server.")
      boolean send;

      Update(Io io) {
        super(io);
      }

      @Override
      protected void run() {
        Metadata<Root> current = currentRoot();
        Root old = current.signed();
        Map<String, Key> keysById = new LinkedHashMap<>(old.keys());
        List<String> rootIds = new ArrayList<>(old.role("root").keyids());
        List<Path> written = new ArrayList<>();
        for (String id : removeKeys) {
          if (!rootIds.remove(id)) {
            throw CliException.invalid("remove-key: " + id + " is not a root key");
          }
        }
        List<PrivateKeySigner> signers = new ArrayList<>();
        for (String spec : addKeys) {
          Ceremony.KeySpec ks = Ceremony.KeySpec.parse(spec);
          KeyFiles.Loaded k;
          if (ks.generate() != null) {
            PrivateKeySigner s = KeyFiles.generate(ks.generate());
            Path p = keysDir.resolve((ks.name() != null ? ks.name() : s.keyId()) + ".pem");
            written.add(KeyFiles.writeSigner(p, s));
            k = new KeyFiles.Loaded(s.publicKey(), s, p);
          } else {
            k = KeyFiles.read(ks.file());
          }
          if (rootIds.contains(k.key().keyId())) {
            throw CliException.invalid("add-key: " + k.key().keyId() + " is already a root key");
          }
          String name = ks.name() != null ? ks.name() : "root-" + k.key().keyId().substring(0, 8);
          keysById.put(k.key().keyId(), withName(k.key(), name, null));
          rootIds.add(k.key().keyId());
        }
        Map<String, Role> roles = new LinkedHashMap<>(old.roles());
        if (onlineKey != null) {
          Ceremony.KeySpec ks = Ceremony.KeySpec.parse(onlineKey);
          KeyFiles.Loaded k;
          if (ks.generate() != null) {
            PrivateKeySigner s = KeyFiles.generate(ks.generate());
            String file =
                onlineKeyUri != null && onlineKeyUri.startsWith("fn:")
                    ? onlineKeyUri.substring(3)
                    : s.keyId();
            Path p = keysDir.resolve(file);
            written.add(KeyFiles.writeSigner(p, s));
            k = new KeyFiles.Loaded(s.publicKey(), s, p);
          } else {
            k = KeyFiles.read(ks.file());
          }
          String uri = onlineKeyUri != null ? onlineKeyUri : "fn:" + k.key().keyId();
          keysById.put(k.key().keyId(), withName(k.key(), "online", uri));
          Role online = new Role(List.of(k.key().keyId()), 1);
          roles.put("targets", online);
          roles.put("snapshot", online);
          roles.put("timestamp", online);
        } else if (onlineKeyUri != null) {
          throw CliException.invalid("online-key-uri: only together with --online-key");
        }
        int th =
            threshold != null ? threshold : Math.min(old.role("root").threshold(), rootIds.size());
        if (th < 1 || th > rootIds.size()) {
          throw CliException.invalid(
              "threshold: must be between 1 and the number of root keys ("
                  + rootIds.size()
                  + "), got "
                  + th);
        }
        roles.put("root", new Role(rootIds, th));
        // keep only keys some role uses
        Set<String> used = new LinkedHashSet<>();
        roles.values().forEach(r -> used.addAll(r.keyids()));
        keysById.keySet().retainAll(used);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires =
            expiration != null
                ? now.plus(expiration, ChronoUnit.DAYS)
                : old.expires().isAfter(now.plus(1, ChronoUnit.DAYS))
                    ? old.expires()
                    : now.plus(365, ChronoUnit.DAYS);
        Root next =
            new Root(
                old.specVersion(),
                old.version() + 1,
                expires,
                old.consistentSnapshot(),
                keysById,
                roles,
                old.unrecognized());
        Metadata<Root> md = Metadata.of(next);
        List<String> signedBy = new ArrayList<>();
        for (Path kp : keys) {
          KeyFiles.Loaded k = KeyFiles.read(kp);
          if (!k.isPrivate()) {
            throw CliException.invalid(
                "key: " + kp + " is a public key; signing needs the private key");
          }
          String id = k.key().keyId();
          if (!old.role("root").keyids().contains(id) && !rootIds.contains(id)) {
            throw CliException.invalid(
                "key: " + id + " (" + kp + ") is neither an old nor a new root key");
          }
          signers.add(k.signer());
          signedBy.add(id);
        }
        md = md.signedBy(signers.toArray(new PrivateKeySigner[0]));
        int oldSigs = count(md, old.role("root"));
        int newSigs = count(md, next.role("root"));
        JsonObject payload = Jsons.obj("metadata", Jsons.obj("root", Json.parse(md.toJson())));
        writePayload(out, payload);
        String status =
            String.format(
                Locale.ROOT,
                "root v%d: %d of %d signatures of the current root, %d of %d of the new root%s",
                next.version(),
                oldSigs,
                old.role("root").threshold(),
                newSigs,
                th,
                oldSigs >= old.role("root").threshold() && newSigs >= th
                    ? ""
                    : " (the rest can sign with tufrepo admin metadata sign)");
        List<String> files = new ArrayList<>();
        written.forEach(p -> files.add(p.toString()));
        JsonObject data =
            Jsons.obj(
                "payload", out.toString(),
                "version", next.version(),
                "signed_by", signedBy,
                "key_files", files,
                "online_key", next.role("timestamp").keyids().get(0));
        String text = status + "\nwrote " + out + "\n";
        if (!send) {
          print(data, text + "send it with: tufrepo admin send update " + out + "\n");
          return;
        }
        ApiClient api = server.client(io);
        String id = api.submit("api/v1/metadata/", payload);
        TaskCommands.finish(
            this,
            io,
            api,
            id,
            waitOptions,
            Jsons.obj("task_id", id, "update", data),
            text + "task " + id + "\n");
      }

      private Metadata<Root> currentRoot() {
        if ((in == null) == (metadataUrl == null)) {
          throw CliException.invalid("give the current root with --in FILE or --metadata-url URL");
        }
        if (in != null) {
          try {
            return Metadata.parseRoot(Files.readAllBytes(in));
          } catch (java.io.IOException e) {
            throw CliException.io("cannot read " + in + ": " + e, e);
          }
        }
        HttpMetadataStore store = new HttpMetadataStore(metadataUrl);
        Optional<byte[]> first = store.read("1.root.json");
        if (first.isEmpty()) {
          throw CliException.io("no 1.root.json at " + metadataUrl, null);
        }
        Metadata<Root> root = Metadata.parseRoot(first.get());
        root.signed().verifyDelegate("root", root);
        while (true) {
          Optional<byte[]> next = store.read((root.signed().version() + 1) + ".root.json");
          if (next.isEmpty()) {
            return root;
          }
          Metadata<Root> n = Metadata.parseRoot(next.get());
          root.signed().verifyDelegate("root", n);
          n.signed().verifyDelegate("root", n);
          root = n;
        }
      }
    }

    @Command(
        name = "sign",
        mixinStandardHelpOptions = true,
        description = {
          "Fetches metadata waiting for signatures (GET /api/v1/metadata/sign), signs it with a local key",
          "over its canonical bytes, and posts the signature."
        })
    static final class Sign extends Cmd {
      @Mixin ServerOptions server;
      @Mixin TaskCommands.WaitOptions waitOptions;

      @Option(
          names = {"-k", "--key"},
          paramLabel = "PEM",
          required = true,
          description = "The private key to sign with.")
      Path key;

      @Option(
          names = "--role",
          paramLabel = "ROLE",
          description = "Which pending role to sign (needed when several are pending).")
      String role;

      @Option(
          names = "--in",
          paramLabel = "FILE",
          description = "Read the pending metadata from a saved GET /api/v1/metadata/sign answer.")
      Path in;

      @Option(
          names = "--out",
          paramLabel = "FILE",
          description = "Also write the signature payload here.")
      Path out;

      @Option(names = "--dry-run", description = "Do not post; only write --out.")
      boolean dryRun;

      Sign(Io io) {
        super(io);
      }

      @Override
      protected void run() {
        ApiClient api = dryRun && in != null ? null : server.client(io);
        JsonValue answer;
        if (in != null) {
          answer = readJson(in);
        } else {
          ApiClient.Response r = api.get("api/v1/metadata/sign");
          if (r.status() != 200) {
            throw api.failure("GET", "api/v1/metadata/sign", r);
          }
          answer = r.body();
        }
        JsonValue pending = Jsons.at(answer, "data", "metadata");
        Map<String, JsonValue> roles = new LinkedHashMap<>();
        if (pending instanceof JsonObject o) {
          o.members()
              .forEach(
                  (k, v) -> {
                    if (!k.startsWith("trusted_")) {
                      roles.put(k, v);
                    }
                  });
        }
        if (roles.isEmpty()) {
          throw CliException.invalid("no metadata available for signing");
        }
        String chosen = role;
        if (chosen == null) {
          if (roles.size() > 1) {
            throw CliException.invalid(
                "role: several roles are pending " + roles.keySet() + "; choose one with --role");
          }
          chosen = roles.keySet().iterator().next();
        }
        JsonValue mdJson = roles.get(chosen);
        if (mdJson == null) {
          throw CliException.invalid(
              "role: " + chosen + " is not pending; pending: " + roles.keySet());
        }
        Metadata<? extends Signed> md = Metadata.parse(Json.write(mdJson));
        KeyFiles.Loaded k = KeyFiles.read(key);
        if (!k.isPrivate()) {
          throw CliException.invalid(
              "key: " + key + " is a public key; signing needs the private key");
        }
        String keyid = k.key().keyId();
        if (md.signed() instanceof Root newRoot) {
          Set<String> allowed = new LinkedHashSet<>(newRoot.role("root").keyids());
          JsonValue trusted = Jsons.at(pending, "trusted_root");
          if (trusted != null) {
            Metadata<Root> tr = Metadata.parseRoot(Json.write(trusted));
            allowed.addAll(tr.signed().role("root").keyids());
          }
          if (!allowed.contains(keyid)) {
            throw CliException.invalid(
                "key: " + keyid + " is not a root key of the pending or the trusted root");
          }
        }
        for (Signature s : md.signatures()) {
          if (s.keyid().equals(keyid)) {
            throw CliException.invalid("key: " + chosen + " is already signed by " + keyid);
          }
        }
        Signature sig = k.signer().sign(md.signedBytes());
        JsonObject payload =
            Jsons.obj(
                "role", chosen, "signature", Jsons.obj("keyid", sig.keyid(), "sig", sig.sig()));
        if (out != null) {
          writePayload(out, payload);
        }
        if (dryRun) {
          print(
              payload,
              "signed "
                  + chosen
                  + " v"
                  + md.signed().version()
                  + " with "
                  + keyid
                  + (out == null ? "" : ", wrote " + out)
                  + "\n");
          return;
        }
        String id = api.submit("api/v1/metadata/sign", payload);
        TaskCommands.finish(
            this,
            io,
            api,
            id,
            waitOptions,
            Jsons.obj("task_id", id, "role", chosen, "keyid", keyid),
            "signed "
                + chosen
                + " v"
                + md.signed().version()
                + " with "
                + keyid
                + ", task "
                + id
                + "\n");
      }
    }
  }

  @Command(
      name = "payload",
      mixinStandardHelpOptions = true,
      description = "Offline work on payload files.",
      subcommands = {PayloadCmds.SignPayload.class})
  static final class PayloadCmds extends Group {
    @Command(
        name = "sign",
        mixinStandardHelpOptions = true,
        description =
            "Adds a root key's signature to the root in a ceremony or update payload file (offline signing).")
    static final class SignPayload extends Cmd {
      @Parameters(paramLabel = "PAYLOAD")
      Path payload;

      @Option(
          names = {"-k", "--key"},
          paramLabel = "PEM",
          required = true,
          description = "The private root key. Repeatable.")
      List<Path> keys;

      SignPayload(Io io) {
        super(io);
      }

      @Override
      protected void run() {
        JsonValue p = readJson(payload);
        JsonValue rootJson = Jsons.at(p, "metadata", "root");
        if (rootJson == null) {
          throw CliException.invalid(payload + ": metadata.root is missing");
        }
        Metadata<Root> md = Metadata.parseRoot(Json.write(rootJson));
        List<String> ids = new ArrayList<>();
        for (Path kp : keys) {
          KeyFiles.Loaded k = KeyFiles.read(kp);
          if (!k.isPrivate()) {
            throw CliException.invalid(
                "key: " + kp + " is a public key; signing needs the private key");
          }
          if (!md.signed().role("root").keyids().contains(k.key().keyId())) {
            throw CliException.invalid(
                "key: " + k.key().keyId() + " is not a root key of this root");
          }
          md = md.withSignature(k.signer().sign(md.signedBytes()));
          ids.add(k.key().keyId());
        }
        Map<String, JsonValue> top = new LinkedHashMap<>(((JsonObject) p).members());
        Map<String, JsonValue> meta =
            new LinkedHashMap<>(((JsonObject) top.get("metadata")).members());
        meta.put("root", Json.parse(md.toJson()));
        top.put("metadata", JsonObject.of(meta));
        writePayload(payload, JsonObject.of(top));
        int th = md.signed().role("root").threshold();
        print(
            Jsons.obj(
                "payload",
                payload.toString(),
                "signed_by",
                ids,
                "signatures",
                md.signatures().size(),
                "threshold",
                th),
            "signed "
                + payload
                + " with "
                + String.join(", ", ids)
                + ": "
                + md.signatures().size()
                + " of "
                + th
                + " signatures\n");
      }
    }
  }

  private static int count(Metadata<Root> md, Role role) {
    int n = 0;
    for (Signature s : md.signatures()) {
      if (role.keyids().contains(s.keyid())) {
        n++;
      }
    }
    return n;
  }

  private static Key withName(Key key, String name, String uri) {
    Map<String, JsonValue> extra = new LinkedHashMap<>(key.unrecognized());
    extra.put("x-rstuf-key-name", new JsonString(name));
    if (uri != null) {
      extra.put("x-rstuf-online-key-uri", new JsonString(uri));
    }
    return key.withUnrecognized(extra);
  }
}
