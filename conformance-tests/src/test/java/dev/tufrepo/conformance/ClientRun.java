package dev.tufrepo.conformance;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one client session.
 *
 * @param versions the versions of root, timestamp, snapshot and targets the client trusts after the
 *     session (read from the client's own metadata directory)
 * @param downloaded the target paths downloaded and checked
 */
record ClientRun(
    String client,
    boolean ok,
    String errorType,
    String error,
    Map<String, Integer> versions,
    List<String> downloaded) {
  ClientRun {
    versions = Map.copyOf(versions);
    downloaded = List.copyOf(downloaded);
  }

  int version(String role) {
    Integer v = versions.get(role);
    return v == null ? 0 : v;
  }

  @Override
  public String toString() {
    return client
        + (ok ? " OK " : " FAILED " + errorType + ": " + error + " ")
        + versions
        + " downloaded "
        + downloaded;
  }
}
