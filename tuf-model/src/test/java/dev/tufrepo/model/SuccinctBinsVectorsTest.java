package dev.tufrepo.model;

import static dev.tufrepo.testing.JsonAccess.arr;
import static dev.tufrepo.testing.JsonAccess.bool;
import static dev.tufrepo.testing.JsonAccess.get;
import static dev.tufrepo.testing.JsonAccess.num;
import static dev.tufrepo.testing.JsonAccess.obj;
import static dev.tufrepo.testing.JsonAccess.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tufrepo.json.JsonValue;
import dev.tufrepo.testing.Vectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TAP 15 names and assignment against python-tuf's SuccinctRoles, for every bit_length given. */
class SuccinctBinsVectorsTest {
  @Test
  void everyBitLength_matchesPythonTuf() {
    JsonValue doc = Vectors.json(Vectors.resolve("succinct-hash-bins/succinct-bins.json"));
    List<JsonValue> cases = arr(doc, "cases");
    assertEquals(11, cases.size());
    int checks = 0;
    for (JsonValue c : cases) {
      int bits = (int) num(c, "bit_length");
      SuccinctRoles bins = new SuccinctRoles(List.of(), 1, bits, str(c, "name_prefix"));
      String label = "bit_length " + bits;
      assertEquals(num(c, "number_of_bins"), bins.numberOfBins(), label);
      assertEquals(num(c, "suffix_len"), bins.suffixLength(), label);
      assertEquals(str(c, "first_bin"), bins.roleName(0), label);
      assertEquals(str(c, "last_bin"), bins.roleName(bins.numberOfBins() - 1), label);
      for (JsonValue t : arr(c, "targets")) {
        String path = str(t, "path");
        assertEquals(num(t, "bin_index"), bins.binIndex(path), label + " " + path);
        assertEquals(str(t, "role"), bins.roleForTarget(path), label + " " + path);
        checks += 2;
      }
      for (Map.Entry<String, JsonValue> e : obj(get(c, "is_delegated_role")).members().entrySet()) {
        assertEquals(
            bool(e.getValue()), bins.isDelegatedRole(e.getKey()), label + " " + e.getKey());
        checks++;
      }
    }
    assertEquals(true, checks > 200, "checked " + checks);
  }
}
