package dev.tufrepo.cli;

import dev.tufrepo.json.JsonValue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** Base of every command: the {@link Io} it runs with and the common options. */
abstract class Cmd implements Callable<Integer> {
  protected final Io io;

  @Mixin Common common = new Common();

  Cmd(Io io) {
    this.io = io;
  }

  @Override
  public final Integer call() throws Exception {
    run();
    io.out().flush();
    return Tufrepo.EXIT_OK;
  }

  protected abstract void run() throws Exception;

  /** Prints {@code data} as JSON with {@code --output json}, else {@code text}. */
  protected void print(JsonValue data, String text) {
    if (common.json()) {
      io.out().print(PrettyJson.write(data));
    } else {
      io.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
    }
    io.out().flush();
  }

  /** A message for people: on stderr when stdout carries JSON, so JSON stays parseable. */
  protected void note(String message) {
    (common.json() ? io.err() : io.out()).println(message);
  }
}
