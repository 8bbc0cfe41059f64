package dev.tufrepo.rest.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the engine's field paths ({@code artifacts[3].info.hashes.sha256}) into FastAPI locations
 * ({@code ["body", "artifacts", 3, "info", "hashes", "sha256"]}).
 */
final class FieldPaths {
  private FieldPaths() {}

  static List<Object> loc(String field, String listName) {
    List<Object> out = new ArrayList<>();
    out.add("body");
    int i = 0;
    StringBuilder name = new StringBuilder();
    while (i < field.length()) {
      char ch = field.charAt(i);
      if (ch == '.') {
        flush(out, name, listName);
        i++;
      } else if (ch == '[') {
        flush(out, name, listName);
        int end = field.indexOf(']', i);
        if (end < 0) {
          name.append(field.substring(i));
          break;
        }
        String idx = field.substring(i + 1, end);
        try {
          out.add(Integer.parseInt(idx));
        } catch (NumberFormatException e) {
          out.add(idx);
        }
        i = end + 1;
      } else {
        name.append(ch);
        i++;
      }
    }
    flush(out, name, listName);
    return out;
  }

  private static void flush(List<Object> out, StringBuilder name, String listName) {
    if (name.length() > 0) {
      String n = name.toString();
      out.add(n.equals("artifacts") || n.equals("removes") ? listName : n);
      name.setLength(0);
    }
  }
}
