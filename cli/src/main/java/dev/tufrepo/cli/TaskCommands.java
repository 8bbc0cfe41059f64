package dev.tufrepo.cli;

import dev.tufrepo.json.JsonBoolean;
import dev.tufrepo.json.JsonValue;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tufrepo task show|wait}. */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = "Show and wait for server tasks.",
    subcommands = {TaskCommands.Show.class, TaskCommands.Wait.class})
final class TaskCommands extends Group {

  /** {@code --wait} and {@code --timeout} for commands that submit a task. */
  static final class WaitOptions {
    @Option(
        names = {"-w", "--wait"},
        description = "Wait until the task finishes; fail if it fails.")
    boolean wait;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "300",
        description = "How long to wait (default ${DEFAULT-VALUE} s).")
    long timeout;
  }

  static String text(JsonValue data) {
    StringBuilder sb = new StringBuilder();
    sb.append("task:    ").append(Jsons.string(data, "task_id")).append('\n');
    sb.append("state:   ").append(Jsons.string(data, "state")).append('\n');
    JsonValue result = Jsons.at(data, "result");
    if (result != null) {
      for (String k : new String[] {"task", "message", "error", "last_update"}) {
        JsonValue v = Jsons.at(result, k);
        if (v != null && !(v instanceof dev.tufrepo.json.JsonNull)) {
          sb.append(String.format(java.util.Locale.ROOT, "%-8s %s%n", k + ":", Jsons.text(v)));
        }
      }
      JsonValue d = Jsons.at(result, "details");
      if (d != null && !(d instanceof dev.tufrepo.json.JsonNull)) {
        sb.append("details: ")
            .append(PrettyJson.write(d).strip().replace("\n", "\n         "))
            .append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Fails (exit 2) unless the task's final state is SUCCESS with a true status and no {@code
   * details.failed_roles} (delegation tasks succeed with some roles refused, as in RSTUF).
   */
  static void requireSuccess(String id, JsonValue data) {
    String state = Jsons.string(data, "state");
    JsonValue status = Jsons.at(data, "result", "status");
    if ("SUCCESS".equals(state) && !(status instanceof JsonBoolean b && !b.value())) {
      if (Jsons.at(data, "result", "details", "failed_roles")
              instanceof dev.tufrepo.json.JsonArray failed
          && !failed.values().isEmpty()) {
        List<String> why = new java.util.ArrayList<>();
        for (JsonValue f : failed.values()) {
          why.add(Jsons.string(f, "role") + ": " + Jsons.text(Jsons.at(f, "reason")));
        }
        throw CliException.invalid("task " + id + " refused role(s): " + String.join("; ", why));
      }
      return;
    }
    String error = Jsons.string(data, "result", "error");
    String message = Jsons.string(data, "result", "message");
    throw CliException.invalid(
        "task "
            + id
            + " "
            + state
            + (message == null ? "" : ": " + message)
            + (error == null ? "" : ": " + error));
  }

  /** Waits for {@code id} when asked, prints it, and fails when it failed. */
  static void finish(
      Cmd cmd, Io io, ApiClient api, String id, WaitOptions w, JsonValue submitted, String text) {
    if (!w.wait) {
      cmd.print(submitted, text);
      return;
    }
    JsonValue data =
        api.waitFor(
            id, Duration.ofSeconds(w.timeout), s -> io.err().println("task " + id + ": " + s));
    cmd.print(Jsons.obj("submitted", submitted, "task", data), text + TaskCommands.text(data));
    requireSuccess(id, data);
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows a task's state and result.")
  static final class Show extends Cmd {
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "TASK_ID")
    String id;

    Show(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      JsonValue data = server.client(io).task(id);
      print(data, text(data));
    }
  }

  @Command(
      name = "wait",
      mixinStandardHelpOptions = true,
      description = "Waits until a task finishes; exit code 2 if it failed.")
  static final class Wait extends Cmd {
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "TASK_ID")
    String id;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "300",
        description = "Give up after this long (default ${DEFAULT-VALUE} s).")
    long timeout;

    Wait(Io io) {
      super(io);
    }

    @Override
    protected void run() {
      ApiClient api = server.client(io);
      JsonValue data = api.waitFor(id, Duration.ofSeconds(timeout), null);
      print(data, text(data));
      requireSuccess(id, data);
    }
  }
}
