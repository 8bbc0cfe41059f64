package dev.tufrepo.json;

import java.util.regex.Pattern;

/** Builds the JSON paths used in error messages: {@code signed.meta["bins-0.json"].version}. */
public final class JsonPath {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private JsonPath() {}

  /** The path of member {@code name} of the object at {@code parent}. */
  public static String member(String parent, String name) {
    if (PLAIN.matcher(name).matches()) {
      return parent.isEmpty() ? name : parent + "." + name;
    }
    StringBuilder sb = new StringBuilder(parent.length() + name.length() + 4).append(parent);
    sb.append("[\"");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append("\"]").toString();
  }

  /** The path of element {@code index} of the array at {@code parent}. */
  public static String element(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
