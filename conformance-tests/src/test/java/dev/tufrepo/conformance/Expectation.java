package dev.tufrepo.conformance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client session must find: targets with their exact bytes, and target paths that must not
 * be found.
 */
record Expectation(Map<String, byte[]> present, List<String> absent) {
  Expectation {
    present = Collections.unmodifiableMap(new LinkedHashMap<>(present));
    absent = List.copyOf(absent);
  }

  static Expectation nothing() {
    return new Expectation(Map.of(), List.of());
  }

  static Expectation present(Map<String, byte[]> present) {
    return new Expectation(present, List.of());
  }
}
