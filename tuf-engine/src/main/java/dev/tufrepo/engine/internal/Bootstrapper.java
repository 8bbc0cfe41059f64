package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.BootstrapRequest;
import dev.tufrepo.engine.InvalidRequestException;
import dev.tufrepo.engine.RepositorySettings;
import dev.tufrepo.engine.TaskResult;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.model.Delegations;
import dev.tufrepo.model.Key;
import dev.tufrepo.model.MetaFile;
import dev.tufrepo.model.Metadata;
import dev.tufrepo.model.Role;
import dev.tufrepo.model.Root;
import dev.tufrepo.model.Signature;
import dev.tufrepo.model.Signed;
import dev.tufrepo.model.Signer;
import dev.tufrepo.model.Snapshot;
import dev.tufrepo.model.SuccinctRoles;
import dev.tufrepo.model.Targets;
import dev.tufrepo.model.Timestamp;
import dev.tufrepo.model.TufRole;
import dev.tufrepo.model.internal.Sha256;
import dev.tufrepo.storage.MetadataStore;
import dev.tufrepo.storage.PublishCommit;
import dev.tufrepo.storage.RoleVersion;
import dev.tufrepo.storage.StateStore;
import dev.tufrepo.storage.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Bootstrap with RSTUF's payload semantics (reference: rstuf-worker §1): the signed root v1 is
 * checked and stored exactly as received; the online roles are created at version 1 and signed by
 * the online key, the first keyid of root's timestamp role; bins are {@code bins-<hex>}.
 */
public final class Bootstrapper {
  static final String TASK = "bootstrap";
  public static final String URI_FIELD = "x-rstuf-online-key-uri";

  private Bootstrapper() {}

  /** Checks the settings part of the request; throws {@link InvalidRequestException}. */
  public static void checkSettings(BootstrapRequest req) {
    for (String role : SettingKeys.ROLES) {
      if (req.hasCustomDelegations() && role.equals(RepositorySettings.BINS)) {
        continue;
      }
      Integer days = req.expirationDays().get(role);
      String field = "settings.roles." + role + ".expiration";
      if (days == null) {
        throw new InvalidRequestException(field, "is required");
      }
      if (days < 1 || days > 36500) {
        throw new InvalidRequestException(field, "must be between 1 and 36500 days");
      }
    }
    if (req.hasCustomDelegations()) {
      CustomDelegations.Request parsed =
          CustomDelegations.parse(
              req.delegationsJson(), dev.tufrepo.engine.DelegationAction.ADD, "online", Map.of());
      if (!parsed.failed().isEmpty()) {
        CustomDelegations.Failure f = parsed.failed().get(0);
        throw new InvalidRequestException(
            "metadata.delegations.roles." + f.role(), f.reason().toString());
      }
      return;
    }
    int n = req.numberOfBins();
    if (n < 2 || n > 16384 || Integer.bitCount(n) != 1) {
      throw new InvalidRequestException(
          "settings.roles.bins.number_of_delegated_bins",
          "must be a power of two from 2 to 16384, not " + n);
    }
  }

  /** The outcome: a task result and, when the bootstrap finished, the new state. */
  public record Outcome(TaskResult result, RepoState state) {}

  /**
   * Runs a bootstrap. The caller has checked the settings and holds the publish lock.
   *
   * @param signerFor resolves the online key's signer from (uri, key)
   */
  public static Outcome run(
      String taskId,
      BootstrapRequest req,
      Instant now,
      StateStore stateStore,
      MetadataStore metadataStore,
      BiFunction<String, Key, Signer> signerFor,
      long fencingToken) {
    Metadata<Root> root;
    try {
      root = Metadata.parseRoot(req.rootJson());
    } catch (dev.tufrepo.TufException e) {
      throw new InvalidRequestException("metadata.root", e.getMessage());
    }
    String state = stateStore.setting(SettingKeys.BOOTSTRAP).orElse(null);
    if (state != null && !state.startsWith("pre-")) {
      return failed(now, "Bootstrap state is " + state);
    }
    checkRootShape(root.signed());
    if (root.signatures().isEmpty()) {
      stateStore.putSettings(nullSetting(SettingKeys.BOOTSTRAP));
      return failed(now, "Metadata requires at least one valid signature");
    }
    byte[] signedBytes = root.signedBytes();
    Role rootRole = root.signed().role(TufRole.ROOT);
    for (Signature s : root.signatures()) {
      Key key = root.signed().keys().get(s.keyid());
      if (!rootRole.keyids().contains(s.keyid()) || key == null || !verifies(key, signedBytes, s)) {
        stateStore.putSettings(nullSetting(SettingKeys.BOOTSTRAP));
        return failed(now, "Bootstrap has invalid signature(s)");
      }
    }
    if (root.signatures().size() < rootRole.threshold()) {
      stateStore.putSigningSession(
          TufRole.ROOT, new String(req.rootJson(), StandardCharsets.UTF_8));
      stateStore.putSettings(
          Map.of(
              SettingKeys.BOOTSTRAP,
              "signing-" + taskId,
              SettingKeys.BOOTSTRAP_REQUEST,
              encodeRequest(req)));
      TaskResult r =
          TaskResult.ok(TASK, now, "Bootstrap Processed", details("Root v1 is pending signature"));
      return new Outcome(r, null);
    }
    RepositorySettings settings = settings(req, root.signed());
    Key onlineKey = root.signed().keys().get(settings.onlineKeyId());
    Signer signer = signerFor.apply(settings.onlineKeyUri(), onlineKey);
    RepoState next =
        finish(
            taskId,
            req.rootJson(),
            root,
            settings,
            onlineKey,
            signer,
            now,
            stateStore,
            metadataStore,
            fencingToken,
            true,
            req);
    TaskResult r =
        TaskResult.ok(TASK, now, "Bootstrap Processed", details("Bootstrap finished " + taskId));
    return new Outcome(r, next);
  }

  /**
   * Finishes a bootstrap that waited in the signing state, now that {@code rootBytes} (root v1 with
   * the added signatures) meets its threshold: the online roles are created with the settings of
   * the original request, under the original task id.
   */
  public static RepoState completeSigned(
      String originalTaskId,
      byte[] rootBytes,
      Instant now,
      StateStore stateStore,
      MetadataStore metadataStore,
      BiFunction<String, Key, Signer> signerFor,
      long fencingToken) {
    Metadata<Root> root = Metadata.parseRoot(rootBytes);
    BootstrapRequest req =
        decodeRequest(
            rootBytes,
            stateStore
                .setting(SettingKeys.BOOTSTRAP_REQUEST)
                .orElseThrow(
                    () ->
                        new dev.tufrepo.engine.EngineException(
                            "the settings of the bootstrap in the signing state are missing")));
    RepositorySettings settings = settings(req, root.signed());
    Key onlineKey = root.signed().keys().get(settings.onlineKeyId());
    Signer signer = signerFor.apply(settings.onlineKeyUri(), onlineKey);
    return finish(
        originalTaskId,
        rootBytes,
        root,
        settings,
        onlineKey,
        signer,
        now,
        stateStore,
        metadataStore,
        fencingToken,
        false,
        req);
  }

  static String encodeRequest(BootstrapRequest req) {
    Map<String, JsonValue> days = new TreeMap<>();
    req.expirationDays().forEach((k, v) -> days.put(k, new dev.tufrepo.json.JsonNumber(v)));
    Map<String, JsonValue> m = new TreeMap<>();
    m.put("expiration", JsonObject.of(days));
    m.put("bins", new dev.tufrepo.json.JsonNumber(req.numberOfBins()));
    if (req.delegationsJson() != null) {
      m.put("delegations", dev.tufrepo.json.Json.parse(req.delegationsJson()));
    }
    return new String(dev.tufrepo.json.Json.write(JsonObject.of(m)), StandardCharsets.UTF_8);
  }

  static BootstrapRequest decodeRequest(byte[] rootBytes, String text) {
    JsonObject o = (JsonObject) dev.tufrepo.json.Json.parse(text);
    Map<String, Integer> days = new HashMap<>();
    ((JsonObject) o.get("expiration"))
        .members()
        .forEach((k, v) -> days.put(k, (int) ((dev.tufrepo.json.JsonNumber) v).value()));
    int bins = (int) ((dev.tufrepo.json.JsonNumber) o.get("bins")).value();
    JsonValue d = o.get("delegations");
    return new BootstrapRequest(
        rootBytes, days, bins, d == null ? null : dev.tufrepo.json.Json.write(d));
  }

  private static boolean verifies(Key key, byte[] signedBytes, Signature s) {
    try {
      return key.verify(signedBytes, s.sig());
    } catch (dev.tufrepo.model.KeyFormatException e) {
      return false;
    }
  }

  /** Refuses roots that cannot run an RSTUF repository, naming the field. */
  static void checkRootShape(Root root) {
    if (root.version() != 1) {
      throw new InvalidRequestException("metadata.root.signed.version", "must be 1 at bootstrap");
    }
    if (!Boolean.TRUE.equals(root.consistentSnapshot())) {
      throw new InvalidRequestException(
          "metadata.root.signed.consistent_snapshot",
          "must be true (files are published as N.<role>.json)");
    }
    checkOnlineRoles(root);
  }

  /**
   * Refuses a root whose online key (the first timestamp keyid) is missing or does not sign
   * targets, snapshot and timestamp alone.
   */
  static void checkOnlineRoles(Root root) {
    Role ts = root.role(TufRole.TIMESTAMP);
    if (ts.keyids().isEmpty()) {
      throw new InvalidRequestException(
          "metadata.root.signed.roles.timestamp.keyids", "must name the online key");
    }
    String online = ts.keyids().get(0);
    if (!root.keys().containsKey(online)) {
      throw new InvalidRequestException(
          "metadata.root.signed.keys", "the online key " + online + " is missing");
    }
    for (String role : List.of(TufRole.TARGETS, TufRole.SNAPSHOT, TufRole.TIMESTAMP)) {
      Role r = root.role(role);
      if (!r.keyids().contains(online) || r.threshold() != 1) {
        throw new InvalidRequestException(
            "metadata.root.signed.roles." + role,
            "must list the online key " + online + " with threshold 1");
      }
    }
    JsonValue uri = root.keys().get(online).unrecognized().get(URI_FIELD);
    if (uri != null && !(uri instanceof JsonString)) {
      throw new InvalidRequestException(
          "metadata.root.signed.keys." + online + "." + URI_FIELD, "must be a string");
    }
  }

  static RepositorySettings settings(BootstrapRequest req, Root root) {
    String online = root.role(TufRole.TIMESTAMP).keyids().get(0);
    JsonValue uri = root.keys().get(online).unrecognized().get(URI_FIELD);
    String onlineUri = uri instanceof JsonString s ? s.value() : "fn:" + online;
    Map<String, Integer> days = new HashMap<>(req.expirationDays());
    if (req.hasCustomDelegations()) {
      days.remove(RepositorySettings.BINS);
      for (CustomDelegations.RoleSpec spec : customRoles(req, online, root).roles()) {
        days.put(spec.role().name(), spec.expireDays());
      }
    }
    return new RepositorySettings(
        days, req.hasCustomDelegations() ? 0 : req.numberOfBins(), online, onlineUri);
  }

  private static CustomDelegations.Request customRoles(
      BootstrapRequest req, String online, Root root) {
    return CustomDelegations.parse(
        req.delegationsJson(),
        dev.tufrepo.engine.DelegationAction.ADD,
        online,
        Map.of(online, root.keys().get(online)));
  }

  /**
   * Creates and publishes the online roles (hash bins, or the custom delegated roles of {@code
   * request}) and root v1; returns the new state.
   */
  static RepoState finish(
      String taskId,
      byte[] rootBytes,
      Metadata<Root> root,
      RepositorySettings settings,
      Key onlineKey,
      Signer signer,
      Instant now,
      StateStore stateStore,
      MetadataStore metadataStore,
      long fencingToken,
      boolean recordTask,
      BootstrapRequest request) {
    Trace trace = new Trace("bootstrap");
    String keyid = settings.onlineKeyId();
    Map<String, byte[]> files = new LinkedHashMap<>();
    TreeMap<String, MetaFile> meta = new TreeMap<>(dev.tufrepo.json.Json.CODE_POINT_ORDER);
    Map<String, RoleVersion> versions = new HashMap<>();
    Map<String, Instant> binExpires = new HashMap<>();
    Map<String, SignedFile<Targets>> roleFiles = new LinkedHashMap<>();
    Map<String, String> extraSettings = new HashMap<>();
    Delegations delegations;
    BootstrapRequest req = request;
    if (req.hasCustomDelegations()) {
      delegations =
          customDelegations(
              req, root.signed(), keyid, signer, now, roleFiles, extraSettings, stateStore);
      for (Map.Entry<String, SignedFile<Targets>> e : roleFiles.entrySet()) {
        Targets t = e.getValue().metadata().signed();
        files.put("1." + e.getKey() + ".json", e.getValue().bytes());
        meta.put(e.getKey() + ".json", MetaFile.of(1));
        versions.put(e.getKey(), new RoleVersion(1, t.expires()));
        binExpires.put(e.getKey(), t.expires());
      }
    } else {
      SuccinctRoles bins = new SuccinctRoles(List.of(keyid), 1, settings.bitLength(), "bins");
      Instant binsExpire = now.plus(settings.expiration(RepositorySettings.BINS));
      // every empty bin has the same bytes: sign once
      SignedFile<Targets> emptyBin = SignedFile.sign(Targets.empty(1, binsExpire), signer);
      RoleVersion binVersion = new RoleVersion(1, binsExpire);
      for (String bin : bins.roleNames()) {
        files.put("1." + bin + ".json", emptyBin.bytes());
        meta.put(bin + ".json", MetaFile.of(1));
        versions.put(bin, binVersion);
        binExpires.put(bin, binsExpire);
      }
      roleFiles.put(bins.roleName(0), emptyBin);
      delegations = Delegations.succinct(Map.of(keyid, onlineKey), bins);
    }
    Targets targets =
        new Targets(
            Signed.SPEC_VERSION,
            1,
            now.plus(settings.expiration(TufRole.TARGETS)),
            Map.of(),
            delegations,
            Map.of());
    SignedFile<Targets> targetsFile = SignedFile.sign(targets, signer);
    files.put("1.targets.json", targetsFile.bytes());
    meta.put("targets.json", MetaFile.of(1));
    Snapshot snapshot =
        new Snapshot(
            Signed.SPEC_VERSION,
            1,
            now.plus(settings.expiration(TufRole.SNAPSHOT)),
            dev.tufrepo.json.Json.freeze(meta),
            Map.of());
    SignedFile<Snapshot> snapshotFile = SignedFile.sign(snapshot, signer);
    files.put("1.snapshot.json", snapshotFile.bytes());
    SignedFile<Timestamp> timestampFile =
        SignedFile.sign(
            new Timestamp(
                Signed.SPEC_VERSION,
                1,
                now.plus(settings.expiration(TufRole.TIMESTAMP)),
                snapshotMeta(snapshotFile),
                Map.of()),
            signer);
    RepoState next =
        new RepoState(settings, root, targetsFile, snapshotFile, timestampFile, binExpires);
    ClientCheck.checkTopLevel(null, next, now);
    for (Map.Entry<String, SignedFile<Targets>> e : roleFiles.entrySet()) {
      ClientCheck.checkBin(next, e.getKey(), e.getValue().metadata(), 0, now, true);
    }
    files.put("1.root.json", rootBytes);
    trace.mark("build+check");
    metadataStore.writeVersioned(files);
    trace.mark("write");
    versions.put(TufRole.ROOT, new RoleVersion(1, root.signed().expires()));
    versions.put(TufRole.TARGETS, new RoleVersion(1, targets.expires()));
    versions.put(TufRole.SNAPSHOT, new RoleVersion(1, snapshot.expires()));
    versions.put(
        TufRole.TIMESTAMP, new RoleVersion(1, timestampFile.metadata().signed().expires()));
    Map<String, String> settingValues = SettingKeys.toSettings(settings);
    settingValues.putAll(extraSettings);
    settingValues.put(SettingKeys.BOOTSTRAP, taskId);
    settingValues.put(
        SettingKeys.TIMESTAMP_JSON, new String(timestampFile.bytes(), StandardCharsets.UTF_8));
    settingValues.put(SettingKeys.ROOT_SIGNING, null);
    settingValues.put(SettingKeys.BOOTSTRAP_REQUEST, null);
    TaskRecord task =
        new TaskRecord(
            taskId,
            TASK,
            dev.tufrepo.engine.TaskStates.SUCCESS,
            now,
            TaskResult.ok(TASK, now, "Bootstrap Processed", details("Bootstrap finished " + taskId))
                .toJsonText());
    stateStore.putSigningSession(TufRole.ROOT, null);
    stateStore.commitPublish(
        new PublishCommit(
            fencingToken,
            versions,
            List.of(),
            recordTask ? List.of(task) : List.of(),
            settingValues));
    trace.mark("commit");
    metadataStore.writeTimestamp(timestampFile.bytes());
    trace.done();
    return next;
  }

  /**
   * The custom delegations of a bootstrap: roles the online key signs get their version 1 in {@code
   * roleFiles}; the others wait in signing sessions and join targets once signed.
   */
  private static Delegations customDelegations(
      BootstrapRequest req,
      Root root,
      String keyid,
      Signer signer,
      Instant now,
      Map<String, SignedFile<Targets>> roleFiles,
      Map<String, String> extraSettings,
      StateStore stateStore) {
    CustomDelegations.Request parsed = customRoles(req, keyid, root);
    List<dev.tufrepo.model.DelegatedRole> roles = new java.util.ArrayList<>();
    Map<String, Key> keys = new HashMap<>();
    Map<String, JsonValue> pending = new TreeMap<>();
    List<JsonValue> used = new java.util.ArrayList<>();
    for (CustomDelegations.RoleSpec spec : parsed.roles()) {
      String name = spec.role().name();
      used.add(new JsonString(name));
      Targets t =
          new Targets(
              Signed.SPEC_VERSION,
              1,
              now.plus(java.time.Duration.ofDays(spec.expireDays())),
              Map.of(),
              null,
              Map.of());
      Metadata<Targets> md =
          spec.role().keyids().contains(keyid)
              ? SignedFile.sign(t, signer).metadata()
              : Metadata.of(t);
      if (DelegationChanges.complete(spec, md)) {
        roles.add(spec.role());
        keys.putAll(spec.keys());
        roleFiles.put(name, new SignedFile<>(md, md.toJson()));
      } else {
        stateStore.putSigningSession(name, new String(md.toJson(), StandardCharsets.UTF_8));
        pending.put(name, dev.tufrepo.json.Json.parse(spec.toJsonText()));
      }
    }
    extraSettings.put(
        SettingKeys.DELEGATIONS_USED, SettingKeys.json(new dev.tufrepo.json.JsonArray(used)));
    extraSettings.put(SettingKeys.DELEGATION_PENDING, SettingKeys.json(JsonObject.of(pending)));
    return new Delegations(keys, roles, null, Map.of());
  }

  static MetaFile snapshotMeta(SignedFile<Snapshot> snapshot) {
    byte[] b = snapshot.bytes();
    return MetaFile.of(
        snapshot.metadata().signed().version(), b.length, Map.of("sha256", Sha256.hex(b)));
  }

  private static JsonObject details(String text) {
    return JsonObject.of(Map.of("bootstrap", new JsonString(text)));
  }

  private static Outcome failed(Instant now, String error) {
    return new Outcome(TaskResult.failed(TASK, now, "Bootstrap Failed", error), null);
  }

  private static Map<String, String> nullSetting(String key) {
    Map<String, String> m = new HashMap<>();
    m.put(key, null);
    return m;
  }
}
