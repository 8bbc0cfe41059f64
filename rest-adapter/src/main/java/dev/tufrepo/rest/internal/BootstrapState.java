package dev.tufrepo.rest.internal;

import java.util.Optional;

/**
 * RSTUF's reading of the {@code BOOTSTRAP} setting ({@code repository_service_tuf_api
 * .bootstrap_state}): absent, {@code pre-<task>}, {@code signing-<task>}, {@code <task>} when
 * finished, or anything else as "unknown".
 *
 * @param state {@code pre}, {@code signing}, {@code finished}, {@code unknown} or null
 */
public record BootstrapState(boolean bootstrap, String state, String taskId) {
  public static BootstrapState parse(Optional<String> value) {
    String v = value.orElse(null);
    if (v == null || v.isEmpty() || v.equals("None") || v.equals("null")) {
      return new BootstrapState(false, null, null);
    }
    String[] parts = v.split("-", -1);
    if (parts.length == 1) {
      return new BootstrapState(true, "finished", v);
    }
    if (parts.length == 2 && (parts[0].equals("pre") || parts[0].equals("signing"))) {
      return new BootstrapState(false, parts[0], parts[1]);
    }
    return new BootstrapState(false, "unknown", null);
  }

  /** Bootstrap finished, or one is being run or signed: a new bootstrap is refused. */
  public boolean locked() {
    return bootstrap || "pre".equals(state) || "signing".equals(state);
  }

  /** Python's {@code str(state)}, as RSTUF's messages print it. */
  public String display() {
    return state == null ? "None" : state;
  }
}
