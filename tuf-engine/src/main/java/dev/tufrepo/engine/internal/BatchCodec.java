package dev.tufrepo.engine.internal;

import dev.tufrepo.engine.Artifact;
import dev.tufrepo.engine.ArtifactBatch;
import dev.tufrepo.json.Json;
import dev.tufrepo.json.JsonArray;
import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonObject;
import dev.tufrepo.json.JsonString;
import dev.tufrepo.json.JsonValue;
import dev.tufrepo.json.JsonWriter;
import dev.tufrepo.model.TargetFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The queue's encoding of a batch: compact JSON {@code {"add":[[path, info], ...], "remove":[...],
 * "task_id_in_custom": bool, "publish": false}}; {@code publish} is written only when false, so
 * batches queued before it existed read as published ones. The store keeps it as opaque bytes.
 */
public final class BatchCodec {
  private BatchCodec() {}

  public static byte[] encode(ArtifactBatch batch) {
    JsonWriter w = JsonWriter.json(64 + batch.size() * 200);
    w.beginObject();
    w.name("add").beginArray();
    for (Artifact a : batch.adds()) {
      w.beginArray().value(a.path());
      a.info().writeTo(w);
      w.endArray();
    }
    w.endArray();
    w.name("remove").beginArray();
    for (String p : batch.removes()) {
      w.value(p);
    }
    w.endArray();
    w.name("task_id_in_custom").value(batch.addTaskIdToCustom());
    if (!batch.publish()) {
      w.name("publish").value(false);
    }
    w.endObject();
    return w.toByteArray();
  }

  public static ArtifactBatch decode(byte[] bytes) {
    JsonObject o = (JsonObject) Json.parse(bytes);
    List<JsonValue> addJson = ((JsonArray) o.get("add")).values();
    List<Artifact> adds = new ArrayList<>(addJson.size());
    for (JsonValue v : addJson) {
      List<JsonValue> pair = ((JsonArray) v).values();
      String path = ((JsonString) pair.get(0)).value();
      adds.add(new Artifact(path, TargetFile.fromJson(pair.get(1), path)));
    }
    List<JsonValue> removeJson = ((JsonArray) o.get("remove")).values();
    List<String> removes = new ArrayList<>(removeJson.size());
    for (JsonValue v : removeJson) {
      removes.add(((JsonString) v).value());
    }
    boolean custom = ((JsonBoolean) o.get("task_id_in_custom")).value();
    boolean publish = !(o.get("publish") instanceof JsonBoolean b) || b.value();
    return new ArtifactBatch(adds, removes, custom, publish);
  }

  /** {@code info} with {@code custom.added_by_task_id} set, as RSTUF's API does. */
  public static TargetFile withTaskId(TargetFile info, String taskId) {
    Map<String, JsonValue> custom =
        info.custom() instanceof JsonObject o
            ? new java.util.TreeMap<>(o.members())
            : new java.util.TreeMap<>();
    custom.put("added_by_task_id", new JsonString(taskId));
    return info.withCustom(JsonObject.of(custom));
  }
}
